"""Messages for web chat conversations sent outside their turns (a staff member's reply), held in
the Rasa process's memory until the page polls for them: at most PER_CONVERSATION each, for at
most KEEP_SECONDS (a closed tab's messages are dropped; the conversation store still has them)."""
from __future__ import annotations

import time
from collections import OrderedDict, deque
from typing import Any

KEEP_SECONDS = 3600
PER_CONVERSATION = 50
CONVERSATIONS = 10_000


class Outbox:
    def __init__(self) -> None:
        self._boxes: OrderedDict[str, deque[tuple[float, dict[str, Any]]]] = OrderedDict()

    def put(self, sender_id: str, message: dict[str, Any]) -> None:
        box = self._boxes.setdefault(sender_id, deque(maxlen=PER_CONVERSATION))
        box.append((time.monotonic(), message))
        self._boxes.move_to_end(sender_id)
        while len(self._boxes) > CONVERSATIONS:
            self._boxes.popitem(last=False)

    def take(self, sender_id: str) -> list[dict[str, Any]]:
        box = self._boxes.pop(sender_id, None) or ()
        fresh_after = time.monotonic() - KEEP_SECONDS
        return [message for at, message in box if at >= fresh_after]
