"""What the running Rasa server stored of a conversation (bot/tracker_store.py's SQLite file)."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing


def user_events(stack, sender_id: str) -> list[dict]:
    """The user events of a conversation, oldest first; [] if Rasa stored none."""
    with closing(sqlite3.connect(stack.tracker_db)) as db:
        row = db.execute("SELECT tracker FROM conversations WHERE sender_id = ?", (sender_id,)).fetchone()
    return [e for e in json.loads(row[0])["events"] if e["event"] == "user"] if row else []
