"""Bringing a database to the current schema with the Alembic migrations in appdb/migrations.

Run once before the servers start (`python -m appdb migrate`, the stack, the staff CLIs);
engines never migrate. Two processes migrating at once wait for each other: PostgreSQL's
advisory lock, or a lock file next to the SQLite database.
"""
from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from appdb import AppDbError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_ID = 4239_2026        # PostgreSQL advisory lock key of the migrations


class MigrationError(AppDbError):
    """The database could not be brought to the current schema."""


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Apply the migrations this database has not had yet (none: nothing happens)."""
    try:
        with _exclusive(engine), engine.begin() as connection:
            config = _config(connection)
            _adopt_legacy(connection)
            command.upgrade(config, "head")
    except SQLAlchemyError as error:
        raise MigrationError(f"the application database could not be migrated: {type(error).__name__}: "
                             f"{str(error).splitlines()[0]}") from error


def _adopt_legacy(connection: Connection) -> None:
    """A database made before Alembic: its old registry goes; revision 0001 then creates only the
    tables it lacks, and the later revisions run as on any database."""
    tables = set(inspect(connection).get_table_names())
    if "schema_migrations" in tables and "alembic_version" not in tables:
        connection.execute(text("DROP TABLE schema_migrations"))


@contextlib.contextmanager
def _exclusive(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_ID})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_ID})
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(Path(database).with_name(Path(database).name + ".migrate.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
