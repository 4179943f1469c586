"""The outbox and the worker on a real SQLite file and a real PostgreSQL server: a change is
recorded once with the change itself, fanned out once per subscription and delivered once under
its idempotency key; retries, dead letters, the cap, quiet hours, unsubscribing, a restart."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from appdb.tables import DeliveryRow, OutboxRow, SubscriptionOfferRow
from dossiers.model import Status
from dossiers.sql_store import SqlDossierStore
from notifications import subscriptions
from notifications.cli import main as cli
from notifications.outbox import Outbox
from notifications.settings import NotifySettings
from notifications.transport import Outcome, Result
from notifications.worker import Worker
from tests.dossiers.conftest import HASH_KEY, make_update, with_status
from tests.notifications.conftest import RecordingTransport

CODE = "000.00.53.H26-260301-0012"
OTHER = "000.00.53.H26-260301-0013"
SETTINGS = dict(quiet_hours="off", daily_cap=5, max_attempts=3, retry_seconds=10, retry_max_seconds=60,
                held_recheck_seconds=30)


@pytest.fixture
def store(db):
    store = SqlDossierStore(db, HASH_KEY)
    store.upsert([make_update(CODE), make_update(OTHER)])
    return store


def worker(db, clock, transport, **settings) -> Worker:
    return Worker(db, NotifySettings(**{**SETTINGS, **settings}), transport, clock=clock)


def follow(db, conversation: str, code: str = CODE, channel: str = "telegram"):
    return subscriptions.subscribe(db, conversation, channel, code)[0]


def outbox_rows(db) -> list[OutboxRow]:
    with db.connect() as connection:
        return connection.execute(select(OutboxRow.__table__).order_by(OutboxRow.id)).all()


def states(db) -> list[str]:
    with db.connect() as connection:
        return [s for (s,) in connection.execute(select(DeliveryRow.state).order_by(DeliveryRow.id))]


def test_a_change_is_recorded_once_and_delivered_once_per_subscription(db, store, clock):
    follow(db, "telegram-1")
    follow(db, "zalo-2", channel="zalo")
    store.upsert([make_update(CODE)])                                   # nothing changed: nothing recorded
    assert outbox_rows(db) == []
    change = with_status(make_update(CODE), Status.SUPPLEMENT_REQUESTED, missing_documents=("Giấy chứng sinh",),
                         supplement_place="Quầy 2")
    store.upsert([change])
    store.upsert([change])                                              # the same import again
    store.upsert([with_status(make_update(OTHER), Status.PROCESSED)])   # nobody follows it: not recorded
    rows = outbox_rows(db)
    assert [(r.dossier_code, r.kind, r.snapshot["status"]) for r in rows] == [(CODE, "status", "supplement_requested")]
    assert "Trần" not in str(rows[0].snapshot)                          # no applicant name in the outbox
    transport = RecordingTransport()
    w = worker(db, clock, transport)
    assert w.round() == 2 and w.round() == 0
    assert sorted((c["channel"], c["conversation"]) for c in transport.calls) == [("telegram", "telegram-1"),
                                                                                 ("zalo", "zalo-2")]
    text = transport.calls[0]["text"]
    assert "• Tình trạng mới: Yêu cầu bổ sung giấy tờ" in text and "Giấy chứng sinh" in text and "Quầy 2" in text
    assert CODE not in text and "000.00.53.H26-******-**12" in text
    assert [b["title"] for b in transport.calls[0]["buttons"]] == ["Hủy theo dõi", "Hồ sơ tôi đang theo dõi"]
    assert states(db) == ["sent", "sent"]


def test_a_subscription_made_after_a_change_is_not_told_about_it(db, store, clock):
    follow(db, "telegram-1")
    store.upsert([with_status(make_update(CODE), Status.SUPPLEMENT_REQUESTED)])
    follow(db, "telegram-late")
    transport = RecordingTransport()
    worker(db, clock, transport).round()
    assert [c["conversation"] for c in transport.calls] == ["telegram-1"]


def test_a_restarted_worker_resends_with_the_same_key_and_the_channel_sends_it_once(db, store, clock):
    follow(db, "telegram-1")
    store.upsert([with_status(make_update(CODE), Status.PAYMENT_REQUESTED, status_note="Lệ phí 8.000 đồng")])
    transport = RecordingTransport()
    first = worker(db, clock, transport)
    outbox = Outbox(db)
    outbox.fan_out(clock())
    jobs = outbox.claim(clock(), 10, lease=120)
    first._send(jobs[0], clock())                   # sent; the worker dies before recording it
    assert worker(db, clock, transport).round() == 0    # leased: another worker leaves it alone
    restarted = worker(db, clock, transport)
    restarted.outbox.release_leases()              # what Worker.run does first
    assert restarted.round() == 1
    assert [c["key"] for c in transport.calls] == [jobs[0].key, jobs[0].key]   # same key both times
    assert len(transport.to("telegram-1")) == 1 and states(db) == ["sent"]


def test_network_errors_and_5xx_are_retried_with_backoff_then_dead_lettered(db, store, clock):
    follow(db, "telegram-1")
    store.upsert([with_status(make_update(CODE), Status.PROCESSED)])
    transport = RecordingTransport([Outcome(Result.RETRY, "network: ConnectError"),
                                    Outcome(Result.RETRY, "HTTP 503"), Outcome(Result.RETRY, "HTTP 429", 45.0)])
    w = worker(db, clock, transport)
    assert w.round() == 1
    assert w.round() == 0                          # backing off: 10 s
    clock.advance(seconds=10)
    assert w.round() == 1
    clock.advance(seconds=19)
    assert w.round() == 0                          # 20 s now
    clock.advance(seconds=1)
    assert w.round() == 1                          # third attempt, the last one (max 3)
    assert states(db) == ["dead"] and transport.delivered == {}
    letters = Outbox(db).dead_letters()
    assert [(d.attempts, d.error) for d in letters] == [(3, "HTTP 429")]
    assert Outbox(db).retry([letters[0].id], clock()) == 1
    assert w.round() == 1 and states(db) == ["sent"] and len(transport.to("telegram-1")) == 1


def test_the_dead_letter_list_is_for_staff(app_db, clock, capsys):
    store = SqlDossierStore(app_db, HASH_KEY)
    store.upsert([make_update(CODE)])
    follow(app_db, "telegram-1")
    store.upsert([with_status(make_update(CODE), Status.PROCESSED)])
    worker(app_db, clock, RecordingTransport([Outcome(Result.FAILED, "HTTP 404 not_this_channel")])).round()
    capsys.readouterr()
    assert cli(["dead-letters"]) == 0
    out = capsys.readouterr().out
    assert "1 dead letter(s)" in out and "HTTP 404 not_this_channel" in out and "******-**12" in out
    assert CODE not in out
    assert cli(["summary"]) == 0 and "dead 1" in capsys.readouterr().out


def test_held_is_offered_again_later_and_in_doubt_is_never_resent(db, store, clock):
    follow(db, "zalo-1", channel="zalo")
    follow(db, "telegram-2")
    store.upsert([with_status(make_update(CODE), Status.PROCESSED)])
    transport = RecordingTransport([Outcome(Result.HELD, "outside the window"), Outcome(Result.IN_DOUBT, "?")])
    w = worker(db, clock, transport, concurrency=1)              # the script's answers in the deliveries' order
    assert w.round() == 2 and states(db) == ["held", "dead"]
    clock.advance(seconds=29)
    assert w.round() == 0
    clock.advance(seconds=1)
    assert w.round() == 1 and states(db) == ["sent", "dead"]


def test_the_daily_cap_moves_the_rest_to_the_next_morning(db, store, clock):
    follow(db, "telegram-1")
    for status in (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED):
        store.upsert([with_status(make_update(CODE), status)])
    transport = RecordingTransport()
    w = worker(db, clock, transport, daily_cap=2, quiet_hours="21:00-07:00")
    assert w.round() == 3
    assert len(transport.calls) == 2 and states(db) == ["sent", "sent", "pending"]
    clock.advance(hours=12)                        # 21:00: still the same day, and quiet
    assert w.round() == 0
    clock.advance(hours=10)                        # 07:00 the next day
    assert w.round() == 1 and len(transport.calls) == 3
    assert "Yêu cầu bổ sung giấy tờ" in transport.calls[-1]["text"]


def test_nothing_goes_out_in_quiet_hours(db, store, clock):
    clock.now = clock.now.replace(hour=22)
    follow(db, "telegram-1")
    store.upsert([with_status(make_update(CODE), Status.PROCESSED)])
    transport = RecordingTransport()
    w = worker(db, clock, transport, quiet_hours="21:00-07:00")
    assert w.round() == 0 and transport.calls == []
    assert w.sleep_seconds(clock()) == 300.0                     # wakes up at least every 5 minutes
    clock.advance(hours=9)                         # 07:00
    assert w.round() == 1 and len(transport.calls) == 1


def test_unsubscribing_cancels_what_was_not_sent_yet(db, store, clock):
    sub = follow(db, "telegram-1")
    follow(db, "telegram-2")
    store.upsert([with_status(make_update(CODE), Status.RECEIVED)])
    Outbox(db).fan_out(clock())
    assert subscriptions.cancel(db, "telegram-9", sub.public_id) == []      # not that conversation's
    assert [s.public_id for s in subscriptions.cancel(db, "telegram-1", sub.public_id)] == [sub.public_id]
    transport = RecordingTransport()
    worker(db, clock, transport).round()
    store.upsert([with_status(make_update(CODE), Status.PROCESSING)])
    worker(db, clock, transport).round()
    assert [c["conversation"] for c in transport.calls] == ["telegram-2", "telegram-2"]
    assert sorted(states(db)) == ["cancelled", "sent", "sent"]


def test_a_closed_dossier_ends_its_subscriptions_with_a_last_notification(db, store, clock):
    follow(db, "telegram-1")
    store.upsert([with_status(make_update(CODE), Status.RETURNED)])
    transport = RecordingTransport()
    worker(db, clock, transport).round()
    assert "tin báo cuối cùng" in transport.calls[0]["text"]
    assert [b["title"] for b in transport.calls[0]["buttons"]] == ["Hồ sơ tôi đang theo dõi"]
    assert subscriptions.active(db, "telegram-1") == []


def test_a_late_dossier_gets_the_apology_and_the_new_date(db, store, clock):
    follow(db, "telegram-1")
    late = make_update(CODE, due_on=dt.date(2026, 3, 5))
    store.upsert([late])                                        # late, but nothing staff gave yet: no change
    store.upsert([with_status(late, Status.PROCESSING, apology_letter="Thư xin lỗi số 12/TXL",
                              new_due_on=dt.date(2026, 3, 20))])
    assert [r.kind for r in outbox_rows(db)] == ["late"]
    transport = RecordingTransport()
    worker(db, clock, transport).round()
    text = transport.calls[0]["text"]
    assert "xin lỗi" in text and "Thư xin lỗi số 12/TXL" in text and "20/03/2026" in text
    assert "• Tình trạng: Đang xử lý" in text                  # the status itself did not change


def test_a_thousand_changes_drain_with_every_key_once(db, clock):
    store = SqlDossierStore(db, HASH_KEY)
    codes = [f"000.00.53.H26-260301-{n:04d}" for n in range(1, 201)]
    store.upsert([make_update(code) for code in codes])
    for n, code in enumerate(codes):
        for k in range(5):
            follow(db, f"telegram-{n}-{k}", code)
    store.upsert([with_status(make_update(code), Status.PROCESSED) for code in codes])
    transport = RecordingTransport()
    w = worker(db, clock, transport, concurrency=4)
    while w.round():
        pass
    assert len(transport.calls) == len(transport.delivered) == 1000
    with db.connect() as connection:
        assert connection.scalar(select(func.count()).where(DeliveryRow.state == "sent")) == 1000


def test_an_offer_is_good_for_its_minutes_and_then_deleted(db, clock):
    subscriptions.remember_offer(db, "telegram-1", CODE, 30, now=clock())
    assert subscriptions.offered(db, "telegram-1", 30, now=clock() + dt.timedelta(minutes=29)) == CODE
    assert subscriptions.offered(db, "telegram-1", 30, now=clock() + dt.timedelta(minutes=31)) is None
    assert subscriptions.offered(db, "telegram-2", 30, now=clock()) is None           # another conversation's
    subscriptions.remember_offer(db, "telegram-2", OTHER, 30, now=clock() + dt.timedelta(minutes=31))
    with db.connect() as connection:
        assert connection.execute(select(SubscriptionOfferRow.conversation_id)).scalars().all() == ["telegram-2"]


def test_retention_deletes_finished_notification_rows_and_forgetting_a_conversation_its_subscriptions(
        db, store, clock):
    from appdb.retention import _purge_notifications
    from sqlalchemy.orm import Session

    clock.now = dt.datetime.now(dt.timezone.utc)               # the rows' times, as the real worker writes them
    old = follow(db, "telegram-old")
    follow(db, "telegram-keep")
    store.upsert([with_status(make_update(CODE), Status.RECEIVED)])
    worker(db, clock, RecordingTransport()).round()
    subscriptions.cancel(db, "telegram-old", old.public_id)
    with Session(db) as session, session.begin():              # nothing is old enough yet
        assert _purge_notifications(session, dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=180)) == 0
    with Session(db) as session, session.begin():              # 180 days later: both deliveries, the cancelled
        later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)   # subscription, the change
        assert _purge_notifications(session, later) == 4
    assert [s.dossier_code for s in subscriptions.active(db, "telegram-keep")] == [CODE]
    subscriptions.remember_offer(db, "telegram-keep", CODE, 30)
    assert subscriptions.forget(db, "telegram-keep") == 1
    assert subscriptions.active(db, "telegram-keep") == [] and subscriptions.offered(db, "telegram-keep", 30) is None
