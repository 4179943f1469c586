"""Short, deterministic ids for button payloads, kept in a small SQLite table.

Platforms limit what a button can carry (Telegram's callback_data: 64 bytes, and Vietnamese
letters take 2-3 bytes each), and Rasa payloads such as
/choose_procedure{"procedure_id":"ht-khai-sinh"} do not fit. So a button carries a 12-character
key derived from the payload (or from a scope and a label), and the key maps back to the
payload. Keys are stable across restarts and processes; the table is pruned to `max_rows`.
"""
from __future__ import annotations

import base64
import hashlib
import time
from pathlib import Path

from channels.state_db import StateTable


def button_key(material: str) -> str:
    digest = hashlib.sha256(material.encode()).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()          # 12 characters of [A-Za-z0-9_-]


class ButtonStore(StateTable):
    def __init__(self, path: Path | None = None, max_rows: int = 50_000):
        """`path` None keeps the table in memory (tests)."""
        super().__init__(path, "CREATE TABLE IF NOT EXISTS buttons (key TEXT PRIMARY KEY, payload TEXT NOT NULL, "
                         "used_at REAL NOT NULL)")
        self.max_rows = max_rows
        self._writes = 0

    def remember(self, payload: str, *, scope: str = "", label: str | None = None) -> str:
        """Store `payload` under the key of scope + label (label defaults to the payload); return the key."""
        key = self.key_for(label if label is not None else payload, scope=scope)
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO buttons (key, payload, used_at) VALUES (?, ?, ?)",
                             (key, payload, time.time()))
            self._writes += 1
            if self._writes % 500 == 0:
                self._prune()
        return key

    def recall(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT payload FROM buttons WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def key_for(label: str, *, scope: str = "") -> str:
        return button_key(f"{scope}\0{label}")

    def _prune(self) -> None:
        self._db.execute("DELETE FROM buttons WHERE key IN (SELECT key FROM buttons ORDER BY used_at DESC "
                         "LIMIT -1 OFFSET ?)", (self.max_rows,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
