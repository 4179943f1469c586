"""The Alembic migrations on real SQLite files and a real PostgreSQL schema."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from appdb.engine import make_engine
from appdb.migrate import current, head, upgrade
from appdb.tables import Base, UnansweredQuestion
from tests.conftest import ROOT

TABLES = {"unanswered_questions", "feedback", "handoff_requests", "dossiers", "dossier_status_history",
          "dossier_check_failures", "dossier_lockouts", "retention_runs"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request, tmp_path):
    """An engine on an empty database of each kind we support."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("postgres_schema")


def test_an_engine_never_changes_the_schema(empty):
    with empty.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert inspect(empty).get_table_names() == []


def test_upgrade_creates_every_table_once_and_the_schema_matches_the_models(empty):
    upgrade(empty)
    upgrade(empty)                               # a second run finds nothing to do
    assert TABLES <= set(inspect(empty).get_table_names())
    assert current(empty) == head()
    with empty.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_a_database_of_the_old_registry_is_adopted_with_its_rows(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:               # what the hand-written registry left: migration 1 only
        connection.execute(text("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name VARCHAR(200))"))
        connection.execute(text("INSERT INTO schema_migrations VALUES (1, 'unanswered questions, feedback, …')"))
        Base.metadata.create_all(connection, tables=[UnansweredQuestion.__table__])
        connection.execute(text("INSERT INTO unanswered_questions VALUES ('giay phep bay', 'giấy phép bay', 3, "
                                "'2026-01-01 00:00:00', '2026-01-02 00:00:00')"))
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert TABLES <= tables and "schema_migrations" not in tables and current(engine) == head()
    with engine.connect() as connection:
        assert connection.execute(select(UnansweredQuestion.text, UnansweredQuestion.count)).all() == [
            ("giấy phép bay", 3)]


def test_two_processes_migrating_one_database_at_once_both_succeed(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}"}
    runs = [subprocess.Popen([sys.executable, "-m", "appdb", "migrate"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(run.wait(timeout=60), run.stderr.read()) for run in runs]
    assert results == [(0, ""), (0, "")]
    engine = make_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [(head(),)]
    engine.dispose()
