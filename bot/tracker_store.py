"""Conversations served from memory and written through to a SQLite file.

Rasa's SQL tracker store rebuilds every conversation from its event rows on each message
and counts them again to save: under load that was a quarter of the Rasa process's CPU
(benchmarks/rest_load.py). This store keeps the recent conversations in memory, as Rasa's
in-memory store does, and writes each one through to SQLite (one row per conversation,
WAL journal), so a restart loses nothing but a cache. Conversations that fell out of the
cache, or were held before a restart, are read back from the file.

One Rasa process only (the cache is not shared): to run several, configure Rasa's own SQL
tracker store on PostgreSQL and the Redis lock store in bot/endpoints.yml.

    tracker_store:
      type: bot.tracker_store.SQLiteTrackerStore
      db: var/tracker.db       # default: RASA_TRACKER_DB, else $VAR_DIR/tracker.db
      cache_size: 10000        # conversations kept in memory
"""
from __future__ import annotations

import sqlite3
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterable, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

import envconfig

SCHEMA = """CREATE TABLE IF NOT EXISTS conversations (
    sender_id TEXT PRIMARY KEY,
    tracker TEXT NOT NULL,            -- Rasa's own JSON serialisation of the conversation
    updated_at REAL NOT NULL
)"""


class SQLiteTrackerStore(InMemoryTrackerStore):
    def __init__(self, domain: Domain, event_broker: Optional[EventBroker] = None, db: Optional[str] = None,
                 cache_size: int = 10_000, **kwargs: Any) -> None:
        kwargs.pop("host", None)  # Rasa passes the endpoint's (absent) url as host
        super().__init__(domain, event_broker, **kwargs)
        self.store: OrderedDict[str, str] = OrderedDict()
        self.cache_size = int(cache_size)
        db = db or str(envconfig.tracker_db())
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        # Autocommit; WAL with synchronous=NORMAL: a crash may lose the last messages, never the file.
        self._db = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        serialised = self.store[tracker.sender_id]
        self._db.execute(
            "INSERT INTO conversations (sender_id, tracker, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(sender_id) DO UPDATE SET tracker = excluded.tracker, updated_at = excluded.updated_at",
            (tracker.sender_id, serialised, time.time()),
        )
        self._remember(tracker.sender_id, serialised)

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if sender_id not in self.store:
            row = self._db.execute("SELECT tracker FROM conversations WHERE sender_id = ?", (sender_id,)).fetchone()
            if row is None:
                return None
            self._remember(sender_id, row[0])
        return await super()._retrieve(sender_id, fetch_all_sessions)

    async def keys(self) -> Iterable[str]:
        return [row[0] for row in self._db.execute("SELECT sender_id FROM conversations")]

    def _remember(self, sender_id: str, serialised: str) -> None:
        """Keep a conversation in the cache as the most recent; forget the least recent beyond the size."""
        self.store[sender_id] = serialised
        self.store.move_to_end(sender_id)
        while len(self.store) > self.cache_size:
            self.store.popitem(last=False)
