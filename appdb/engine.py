"""The process's database engine (SQLAlchemy 2), made on first use; it never changes the schema
(appdb.migrate does, once, before the servers start)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from appdb.lazy import Lazy
from appdb.settings import DatabaseSettings


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # concurrent readers while one process writes
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()
    return engine


_engine: Lazy[Engine] = Lazy(lambda: make_engine(DatabaseSettings.from_env().database_url))
engine = _engine.get            # the process's engine, created on first use
use_engine = _engine.set        # another engine (tests), or None to go back to DATABASE_URL
