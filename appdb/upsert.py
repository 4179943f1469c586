"""Insert-or-update in one statement, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def upsert(bind: Connection | Session, table: type[DeclarativeBase], values: Mapping[str, Any],
           on_conflict: Mapping[str, Any]) -> None:
    """Insert `values`; when a row with the same primary key exists, set `on_conflict` instead."""
    dialect = bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    keys = [column.name for column in table.__table__.primary_key]
    bind.execute(insert.values(**values).on_conflict_do_update(index_elements=keys, set_=dict(on_conflict)))
