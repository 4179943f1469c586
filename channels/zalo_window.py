"""Zalo OA's free customer-service window: 8 messages within 48 hours after the citizen's last
message. The connector records each message heard and each one sent; a notification outside the
window is held (channels/push.py answers 409) until the citizen writes again."""
from __future__ import annotations

import time
from pathlib import Path

from channels.state_db import StateTable

FREE_MESSAGES = 8
FREE_SECONDS = 48 * 3600


class FreeWindow(StateTable):
    def __init__(self, path: Path | None):
        super().__init__(path, "CREATE TABLE IF NOT EXISTS window (user TEXT PRIMARY KEY, heard_at REAL NOT NULL, "
                         "sent INTEGER NOT NULL)")

    def heard(self, user: str, at: float | None = None) -> None:
        """The citizen wrote: a new window opens."""
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO window (user, heard_at, sent) VALUES (?, ?, 0)",
                             (user, time.time() if at is None else at))

    def spent(self, user: str, messages: int = 1) -> None:
        with self._lock:
            self._db.execute("UPDATE window SET sent = sent + ? WHERE user = ?", (messages, user))

    def is_open(self, user: str, now: float | None = None) -> bool:
        with self._lock:
            row = self._db.execute("SELECT heard_at, sent FROM window WHERE user = ?", (user,)).fetchone()
        now = time.time() if now is None else now
        return row is not None and now - row[0] < FREE_SECONDS and row[1] < FREE_MESSAGES
