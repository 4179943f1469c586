"""The application database (SQLAlchemy 2): SQLite file by default, PostgreSQL by DATABASE_URL.

Tables are created and changed only by the numbered migrations below, recorded in
`schema_migrations`, so an existing database is upgraded in place and never rebuilt.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase

from actions.lazy import Lazy

DEFAULT_URL = f"sqlite:///{Path(__file__).resolve().parent.parent / 'var' / 'app.db'}"


class Base(DeclarativeBase):
    pass


MIGRATIONS: list[tuple[int, str, Callable[[Engine], None]]] = []


def migration(number: int, name: str):
    """Register a schema change; each runs once per database, in order."""
    def register(function: Callable[[Engine], None]) -> Callable[[Engine], None]:
        MIGRATIONS.append((number, name, function))
        return function
    return register


def migrate(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL)"))
        done = {row[0] for row in connection.execute(text("SELECT number FROM schema_migrations"))}
    for number, name, function in sorted(MIGRATIONS, key=lambda m: m[0]):
        if number not in done:
            function(engine)
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO schema_migrations (number, name) VALUES (:n, :m)"),
                                   {"n": number, "m": name})


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
    import actions.models  # noqa: F401  (registers the migrations)

    migrate(engine)
    return engine


_engine: Lazy[Engine] = Lazy(lambda: make_engine(os.environ.get("DATABASE_URL", DEFAULT_URL)))
engine = _engine.get            # the process's engine, created (and migrated) on first use
use_engine = _engine.set        # another engine (tests), or None to go back to DATABASE_URL
