"""Conversations served from memory and written through to a SQLite file.

Rasa's SQL tracker store rebuilds every conversation from its event rows on each message
and counts them again to save: under load that was a quarter of the Rasa process's CPU
(benchmarks/rest_load.py). This store keeps the recent conversations in memory, as Rasa's
in-memory store does, and writes each one through to SQLite (one row per conversation,
WAL journal), so a restart loses nothing but a cache. Conversations that fell out of the
cache, or were held before a restart, are read back from the file.

What is kept is minimised first (bot/minimise.py: personal numbers masked, the check digits
never kept, nothing before a "delete my data"), in the cache and in the file alike; a file
written before that rule is minimised once when the store opens it (PRAGMA user_version 1).
Conversations untouched for RETENTION_CONVERSATION_DAYS are forgotten: the staff job
`python -m appdb purge` deletes them from the file, and the cache drops them when asked.

One Rasa process only (the cache is not shared): to run several, configure Rasa's own SQL
tracker store on PostgreSQL and the Redis lock store in bot/endpoints.yml.

    tracker_store:
      type: bot.tracker_store.SQLiteTrackerStore
      db: var/tracker.db       # default: RASA_TRACKER_DB, else $VAR_DIR/tracker.db
      cache_size: 10000        # conversations kept in memory
"""
from __future__ import annotations

import json
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
from bot.minimise import minimised

MINIMISED_VERSION = 1          # PRAGMA user_version of a file whose conversations are all minimised

SCHEMA = """CREATE TABLE IF NOT EXISTS conversations (
    sender_id TEXT PRIMARY KEY,
    tracker TEXT NOT NULL,            -- Rasa's own JSON serialisation of the conversation
    updated_at REAL NOT NULL
)"""


def kept(dialogue: dict[str, Any]) -> str:
    """A conversation (Rasa's dialogue dict) as it is kept: its events minimised, serialised."""
    return json.dumps({**dialogue, "events": minimised(dialogue.get("events") or [])})


class SQLiteTrackerStore(InMemoryTrackerStore):
    def __init__(self, domain: Domain, event_broker: Optional[EventBroker] = None, db: Optional[str] = None,
                 cache_size: int = 10_000, **kwargs: Any) -> None:
        kwargs.pop("host", None)  # Rasa passes the endpoint's (absent) url as host
        super().__init__(domain, event_broker, **kwargs)
        self.store: OrderedDict[str, str] = OrderedDict()
        self._updated: dict[str, float] = {}       # sender id -> when its cached conversation was saved
        self.cache_size = int(cache_size)
        self.retention_seconds = envconfig.conversation_retention_days() * 86_400
        db = db or str(envconfig.tracker_db())
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        # Autocommit; WAL with synchronous=NORMAL: a crash may lose the last messages, never the file.
        self._db = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)
        self._minimise_older_file()

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)           # an event broker, if configured, still gets the events
        serialised, now = kept(tracker.as_dialogue().as_dict()), time.time()
        self._db.execute(
            "INSERT INTO conversations (sender_id, tracker, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(sender_id) DO UPDATE SET tracker = excluded.tracker, updated_at = excluded.updated_at",
            (tracker.sender_id, serialised, now),
        )
        self._remember(tracker.sender_id, serialised, now)

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if sender_id in self.store and self._updated[sender_id] < time.time() - self.retention_seconds:
            self._forget(sender_id)               # past retention: as if never stored
        if sender_id not in self.store:
            row = self._db.execute("SELECT tracker, updated_at FROM conversations WHERE sender_id = ? AND "
                                   "updated_at >= ?", (sender_id, time.time() - self.retention_seconds)).fetchone()
            if row is None:
                return None
            self._remember(sender_id, row[0], row[1])
        return await super()._retrieve(sender_id, fetch_all_sessions)

    def _forget(self, sender_id: str) -> None:
        self.store.pop(sender_id, None)
        self._updated.pop(sender_id, None)
        self._db.execute("DELETE FROM conversations WHERE sender_id = ?", (sender_id,))

    def _minimise_older_file(self) -> None:
        """Conversations written before minimising existed: minimised in place, once."""
        if self._db.execute("PRAGMA user_version").fetchone()[0] >= MINIMISED_VERSION:
            return
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            for sender_id, serialised in self._db.execute("SELECT sender_id, tracker FROM conversations").fetchall():
                self._db.execute("UPDATE conversations SET tracker = ? WHERE sender_id = ?",
                                 (kept(json.loads(serialised)), sender_id))
            self._db.execute(f"PRAGMA user_version = {MINIMISED_VERSION}")

    async def keys(self) -> Iterable[str]:
        return [row[0] for row in self._db.execute("SELECT sender_id FROM conversations")]

    def _remember(self, sender_id: str, serialised: str, updated_at: float) -> None:
        """Keep a conversation in the cache as the most recent; forget the least recent beyond the size."""
        self.store[sender_id], self._updated[sender_id] = serialised, updated_at
        self.store.move_to_end(sender_id)
        while len(self.store) > self.cache_size:
            oldest, _ = self.store.popitem(last=False)
            self._updated.pop(oldest, None)
