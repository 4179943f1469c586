"""Remembering recent event ids, so a platform's retry of the same update is answered once."""
from __future__ import annotations

from collections import OrderedDict


class RecentIds:
    """The last `capacity` ids seen (in memory: retries come within minutes, not across restarts)."""

    def __init__(self, capacity: int = 10_000):
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, event_id: str) -> bool:
        """True when the id is new (and now remembered), False for a repeat."""
        if event_id in self._ids:
            self._ids.move_to_end(event_id)
            return False
        self._ids[event_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._ids)
