"""The worker's database side: fanning changes out into deliveries, claiming the due ones, and
recording what became of each (sent, held, retried, dead). One short transaction per step, so a
worker killed at any point leaves every delivery pending, sent, or dead — never lost, and resent
only with its idempotency key (which the channel sends once)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import Engine, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from appdb.tables import DeliveryRow, OutboxRow, SubscriptionRow, utc
from dossiers.model import Status

FINAL = frozenset({Status.REJECTED.value, Status.WITHDRAWN.value, Status.STOPPED.value, Status.RETURNED.value})
DUE = ("pending", "held")


@dataclass(frozen=True)
class Job:
    id: int
    key: str
    conversation_id: str
    channel: str
    public_id: str
    dossier_code: str
    kind: str
    snapshot: dict[str, Any]
    attempts: int

    @property
    def final(self) -> bool:
        """The dossier is closed: its subscriptions ended at fan-out."""
        return self.snapshot["status"] in FINAL


@dataclass(frozen=True)
class DeadLetter:
    id: int
    key: str
    dossier_code: str
    channel: str
    attempts: int
    error: str | None
    created_at: dt.datetime


class Outbox:
    def __init__(self, engine: Engine):
        self.engine = engine

    def fan_out(self, now: dt.datetime, limit: int = 500) -> int:
        """One delivery per active subscription (made before the change) for the changes not yet fanned
        out; a closed dossier's subscriptions end. The number of deliveries made."""
        with Session(self.engine) as session, session.begin():
            changes = session.scalars(self._locked(select(OutboxRow).where(OutboxRow.fanned_out_at.is_(None))
                                                   .order_by(OutboxRow.id).limit(limit))).all()
            if not changes:
                return 0
            subscriptions = session.scalars(select(SubscriptionRow).where(
                SubscriptionRow.dossier_code.in_({c.dossier_code for c in changes}),
                SubscriptionRow.cancelled_at.is_(None))).all()
            rows, ended = [], set()
            for change in changes:
                for sub in subscriptions:
                    if sub.dossier_code == change.dossier_code and utc(sub.created_at) <= utc(change.created_at):
                        rows.append({"key": f"{change.id}:{sub.id}", "outbox_id": change.id, "subscription_id": sub.id,
                                     "conversation_id": sub.conversation_id, "state": "pending", "attempts": 0,
                                     "next_attempt_at": now})
                        if change.snapshot["status"] in FINAL:
                            ended.add(sub.id)
            if rows:
                session.execute(insert(DeliveryRow), rows)
            if ended:
                session.execute(update(SubscriptionRow).where(SubscriptionRow.id.in_(ended)).values(cancelled_at=now))
            session.execute(update(OutboxRow).where(OutboxRow.id.in_([c.id for c in changes]))
                            .values(fanned_out_at=now))
            return len(rows)

    def claim(self, now: dt.datetime, limit: int, lease: float) -> list[Job]:
        """The due deliveries, leased to this worker for `lease` seconds; those whose subscription was
        cancelled meanwhile are cancelled instead."""
        with Session(self.engine) as session, session.begin():
            rows = session.execute(self._locked(
                select(DeliveryRow, SubscriptionRow, OutboxRow)
                .join(SubscriptionRow, SubscriptionRow.id == DeliveryRow.subscription_id)
                .join(OutboxRow, OutboxRow.id == DeliveryRow.outbox_id)
                .where(DeliveryRow.state.in_(DUE), DeliveryRow.next_attempt_at <= now,
                       or_(DeliveryRow.leased_until.is_(None), DeliveryRow.leased_until < now))
                .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id).limit(limit), of=DeliveryRow)).all()
            cancelled = [d.id for d, sub, change in rows
                         if sub.cancelled_at is not None and change.snapshot["status"] not in FINAL]
            jobs = [Job(d.id, d.key, d.conversation_id, sub.channel, sub.public_id, change.dossier_code,
                        change.kind, change.snapshot, d.attempts) for d, sub, change in rows if d.id not in cancelled]
            if cancelled:
                session.execute(update(DeliveryRow).where(DeliveryRow.id.in_(cancelled)).values(state="cancelled"))
            if jobs:
                session.execute(update(DeliveryRow).where(DeliveryRow.id.in_([j.id for j in jobs]))
                                .values(leased_until=now + dt.timedelta(seconds=lease)))
            return jobs

    def sent_since(self, conversations: Iterable[str], since: dt.datetime) -> dict[str, int]:
        """How many notifications each conversation was sent since `since` (the daily cap)."""
        with Session(self.engine) as session:
            return dict(session.execute(
                select(DeliveryRow.conversation_id, func.count()).where(
                    DeliveryRow.conversation_id.in_(set(conversations)), DeliveryRow.state == "sent",
                    DeliveryRow.sent_at >= since).group_by(DeliveryRow.conversation_id)).all())

    def record(self, outcomes: Iterable[tuple[int, dict[str, Any]]]) -> None:
        """Each delivery's new state (values of its row), in one transaction; the lease ends. Outcomes
        setting the same columns go in one executemany."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for delivery_id, values in outcomes:
            groups.setdefault(tuple(sorted(values)), []).append({"_id": delivery_id, **values})
        table = DeliveryRow.__table__
        with self.engine.begin() as connection:
            for columns, rows in groups.items():
                connection.execute(update(table).where(table.c.id == bindparam("_id"))
                                   .values(leased_until=None, **{c: bindparam(c) for c in columns}), rows)

    def release_leases(self) -> None:
        """At a worker's start: what a killed worker had claimed is due again (one worker per database)."""
        with self.engine.begin() as connection:
            connection.execute(update(DeliveryRow).where(DeliveryRow.leased_until.is_not(None))
                               .values(leased_until=None))

    def next_due(self) -> dt.datetime | None:
        with Session(self.engine) as session:
            at = session.scalar(select(func.min(DeliveryRow.next_attempt_at)).where(DeliveryRow.state.in_(DUE)))
            return utc(at) if at else None

    def pending_changes(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(OutboxRow)
                                  .where(OutboxRow.fanned_out_at.is_(None))) or 0

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as session:
            return dict(session.execute(select(DeliveryRow.state, func.count()).group_by(DeliveryRow.state)).all())

    def dead_letters(self) -> list[DeadLetter]:
        with Session(self.engine) as session:
            rows = session.execute(select(DeliveryRow, SubscriptionRow.channel, OutboxRow)
                                   .join(SubscriptionRow, SubscriptionRow.id == DeliveryRow.subscription_id)
                                   .join(OutboxRow, OutboxRow.id == DeliveryRow.outbox_id)
                                   .where(DeliveryRow.state == "dead").order_by(DeliveryRow.id)).all()
            return [DeadLetter(d.id, d.key, change.dossier_code, channel, d.attempts, d.last_error,
                               utc(change.created_at)) for d, channel, change in rows]

    def retry(self, ids: Iterable[int], now: dt.datetime) -> int:
        """Dead letters due again (staff, after fixing the cause); the number revived."""
        with self.engine.begin() as connection:
            return connection.execute(update(DeliveryRow).where(and_(DeliveryRow.id.in_(list(ids)),
                                                                     DeliveryRow.state == "dead"))
                                      .values(state="pending", attempts=0, next_attempt_at=now)).rowcount

    def _locked(self, statement, **kwargs):
        """FOR UPDATE SKIP LOCKED on PostgreSQL (two workers never claim the same rows); SQLite locks the file."""
        if self.engine.dialect.name == "postgresql":
            return statement.with_for_update(skip_locked=True, **kwargs)
        return statement
