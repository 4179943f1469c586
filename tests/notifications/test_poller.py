"""DOSSIER_BACKEND=http: followed dossiers polled from a fake one-stop-shop system (the adapter's
real HTTP client), and the system's webhook that makes the worker ask at once."""
import datetime as dt

import httpx
import pytest
from sqlalchemy import select

from appdb.engine import make_engine
from appdb.migrate import upgrade
from appdb.tables import OutboxRow
from dossiers.http_store import HttpDossierStore
from dossiers.model import Status
from dossiers.settings import DossierSettings
from dossiers.sql_store import SqlDossierStore
from notifications import subscriptions
from notifications.poller import Poller
from notifications.settings import NotifySettings
from notifications.webhook import serve
from notifications.worker import Worker
from tests.dossiers.conftest import HASH_KEY, make_update, with_status
from tests.dossiers.fake_api import TOKEN, FakeOneStopShop
from tests.notifications.conftest import RecordingTransport

CODE = "000.00.53.H26-260301-0012"
WEBHOOK_TOKEN = "w" * 40


@pytest.fixture
def system(tmp_path):
    """The one-stop-shop system's own database, behind its API."""
    engine = make_engine(f"sqlite:///{tmp_path / 'system.db'}")
    upgrade(engine)
    store = SqlDossierStore(engine, HASH_KEY)
    store.upsert([make_update(CODE)])
    with FakeOneStopShop(store) as fake:
        yield fake
    engine.dispose()


@pytest.fixture
def clock(clock):
    """The poller stamps changes with the worker's clock and subscriptions with the real time: start now."""
    clock.now = dt.datetime.now(dt.timezone.utc)
    return clock


def outbox(db) -> list:
    with db.connect() as connection:
        return connection.execute(select(OutboxRow.__table__).order_by(OutboxRow.id)).all()


def test_a_change_in_the_system_is_recorded_once_from_the_poll_or_the_webhook(db, system, clock):
    subscriptions.subscribe(db, "telegram-1", "telegram", CODE)
    adapter = HttpDossierStore(DossierSettings(backend="http", api_url=system.url, api_token=TOKEN))
    poller = Poller(db, adapter, minutes=10)
    assert poller.poll(clock()) == 0 and len(system.behaviour.requests) == 1       # the first poll: its state
    clock.advance(minutes=5)
    assert poller.poll(clock()) == 0 and len(system.behaviour.requests) == 1       # not due yet
    system.store.upsert([with_status(make_update(CODE), Status.SUPPLEMENT_REQUESTED,
                                     missing_documents=("Tờ khai",), supplement_place="Quầy 4")])
    webhook = serve("127.0.0.1", 0, WEBHOOK_TOKEN, poller.nudge)
    url = f"http://127.0.0.1:{webhook.server_address[1]}/dossier-changed"
    try:
        assert httpx.post(url, json={"code": CODE}).status_code == 401
        assert httpx.post(url, json={"code": "not a code"}, headers={"Authorization": f"Bearer {WEBHOOK_TOKEN}"}
                          ).status_code == 400
        unfollowed = "000.00.53.H26-260301-0099"
        for code in (CODE.lower(), unfollowed):        # accepted either way: nothing to learn from the answer
            assert httpx.post(url, json={"code": code},
                              headers={"Authorization": f"Bearer {WEBHOOK_TOKEN}"}).status_code == 202
    finally:
        webhook.shutdown()
    clock.advance(seconds=1)
    assert poller.poll(clock()) == 1 and len(system.behaviour.requests) == 2       # asked at once, that one only
    rows = outbox(db)
    assert [(r.kind, r.snapshot["status"], r.snapshot["supplement_place"]) for r in rows] == [
        ("status", "supplement_requested", "Quầy 4")]
    clock.advance(minutes=11)
    assert poller.poll(clock()) == 0 and len(outbox(db)) == 1                       # polled again: no new change
    transport = RecordingTransport()
    Worker(db, NotifySettings(quiet_hours="off"), transport, clock=clock).round()
    assert len(transport.calls) == 1 and "Quầy 4" in transport.calls[0]["text"]


def test_a_late_dossier_with_its_apology_is_noticed_from_the_system(db, system, clock):
    subscriptions.subscribe(db, "zalo-1", "zalo", CODE)
    poller = Poller(db, HttpDossierStore(DossierSettings(backend="http", api_url=system.url, api_token=TOKEN)), 0)
    poller.poll(clock())
    system.store.upsert([with_status(make_update(CODE, due_on=dt.date(2026, 3, 5)), Status.PROCESSING,
                                     apology_letter="Thư xin lỗi 3/TXL", new_due_on=dt.date(2026, 3, 25))])
    clock.advance(days=1)
    assert poller.poll(clock()) == 0                   # polling off (0): only when the webhook names it
    poller.nudge(CODE)
    assert poller.poll(clock()) == 1 and [r.kind for r in outbox(db)] == ["late"]


def test_the_webhook_needs_a_long_token(monkeypatch):
    from envconfig import SettingsError
    monkeypatch.setenv("NOTIFY_WEBHOOK_PORT", "25099")
    monkeypatch.setenv("NOTIFY_WEBHOOK_TOKEN", "short")
    with pytest.raises(SettingsError, match="NOTIFY_WEBHOOK_TOKEN"):
        NotifySettings.from_env()
