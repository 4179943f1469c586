"""Messages waiting for a web chat conversation, sent outside its turns (dossier notifications, a
staff member's replies): shown by the open page (it polls GET /webhooks/web/notifications) or when
the page is opened again in the same session."""
from __future__ import annotations

import json
import time
from pathlib import Path

from channels.replies import Reply
from channels.state_db import StateTable

KEEP_SECONDS = 30 * 24 * 3600      # a notification nobody fetched is dropped after this


class WebInbox(StateTable):
    def __init__(self, path: Path | None):
        super().__init__(path, "CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY, conversation TEXT NOT NULL, "
                         "message TEXT NOT NULL, at REAL NOT NULL)",
                         "CREATE INDEX IF NOT EXISTS inbox_conversation ON inbox (conversation)")

    def put(self, conversation: str, reply: Reply) -> None:
        self.put_message(conversation, {"text": reply.text,
                                        "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons]})

    def put_message(self, conversation: str, message: dict) -> None:
        with self._lock:
            self._db.execute("DELETE FROM inbox WHERE at < ?", (time.time() - KEEP_SECONDS,))
            self._db.execute("INSERT INTO inbox (conversation, message, at) VALUES (?, ?, ?)",
                             (conversation, json.dumps(message, ensure_ascii=False), time.time()))

    def take(self, conversation: str) -> list[dict]:
        """The waiting notifications, oldest first; each is given once."""
        with self._lock:
            rows = self._db.execute("DELETE FROM inbox WHERE conversation = ? RETURNING id, message",
                                    (conversation,)).fetchall()
        return [json.loads(message) for _id, message in sorted(rows)]
