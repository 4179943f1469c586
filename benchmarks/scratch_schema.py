"""A PostgreSQL schema of its own for one benchmark run, dropped afterwards."""
from __future__ import annotations

import argparse
import os
import uuid
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, make_url, text


@contextmanager
def scratch_schema(postgres_url: str) -> Iterator[str]:
    """The URL of a fresh schema on that server (its search_path), which is dropped on exit."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def add_postgres_arguments(parser: argparse.ArgumentParser) -> None:
    """--postgres-url (default TEST_POSTGRES_URL, else the local server's `test` database) and --skip-postgres."""
    parser.add_argument("--postgres-url", default=os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--skip-postgres", action="store_true")
