"""A small SQLite file of the channels' own state (CHANNELS_STATE_DIR), shared by the Rasa
server's threads: autocommit, one lock per table object. `None` keeps it in memory (tests)."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class StateTable:
    def __init__(self, path: Path | None, *schema: str):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path) if path else ":memory:", timeout=5, check_same_thread=False,
                                   isolation_level=None)
        for statement in schema:
            self._db.execute(statement)
