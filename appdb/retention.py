"""Deleting what is kept past its time (README, "Personal data"), and one conversation on request.

- conversations (the Rasa tracker file, RASA_TRACKER_DB) untouched for RETENTION_CONVERSATION_DAYS
  (default 90) are deleted;
- unanswered questions not asked again, and hand-off requests, for RETENTION_JOURNAL_DAYS
  (default 180) are deleted; feedback keeps its rating and record (anonymous counts) but loses
  the citizen's question and comment;
- notifications (notifications/): subscriptions cancelled, deliveries finished (sent, dead,
  cancelled) and changes fanned out, RETENTION_JOURNAL_DAYS ago, are deleted.
Each run is recorded with its counts (`python -m appdb retention`). `make run` runs it at start and
daily (scripts/run.py).
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, exists, or_, select, update
from sqlalchemy.orm import Session

import envconfig
from appdb.tables import (DeliveryRow, Feedback, HandoffRequest, OutboxRow, RetentionRun, SubscriptionRow,
                          UnansweredQuestion, utcnow)
from privacy import pseudonym


@dataclass(frozen=True)
class Purged:
    conversations: int
    unanswered_questions: int
    handoff_requests: int
    feedback_texts: int
    notifications: int


def purge(engine: Engine, tracker_db: Path | None = None, now: dt.datetime | None = None) -> Purged:
    """Delete what is past its retention period; record and return the counts."""
    now = now or utcnow()
    journal_cutoff = now - dt.timedelta(days=envconfig.journal_retention_days())
    conversations = _purge_conversations(tracker_db or envconfig.tracker_db(),
                                         now - dt.timedelta(days=envconfig.conversation_retention_days()))
    with Session(engine) as session, session.begin():
        unanswered = session.execute(delete(UnansweredQuestion).where(
            UnansweredQuestion.last_seen < journal_cutoff)).rowcount
        handoffs = session.execute(delete(HandoffRequest).where(HandoffRequest.created_at < journal_cutoff)).rowcount
        feedback = session.execute(update(Feedback).where(
            Feedback.created_at < journal_cutoff, or_(Feedback.comment.is_not(None), Feedback.question.is_not(None)))
            .values(comment=None, question=None)).rowcount
        purged = Purged(conversations, unanswered, handoffs, feedback, _purge_notifications(session, journal_cutoff))
        session.add(RetentionRun(at=now, **purged.__dict__))
    return purged


def _purge_notifications(session: Session, cutoff: dt.datetime) -> int:
    """Notification rows whose work ended before the cutoff: finished deliveries, cancelled subscriptions
    (with what was left of their deliveries), changes with no delivery left."""
    ended = select(SubscriptionRow.id).where(SubscriptionRow.cancelled_at < cutoff)
    deleted = session.execute(delete(DeliveryRow).where(or_(
        DeliveryRow.subscription_id.in_(ended),
        DeliveryRow.state.in_(("sent", "dead", "cancelled")) & (DeliveryRow.next_attempt_at < cutoff)))).rowcount
    deleted += session.execute(delete(SubscriptionRow).where(SubscriptionRow.cancelled_at < cutoff)).rowcount
    return deleted + session.execute(delete(OutboxRow).where(
        OutboxRow.fanned_out_at < cutoff, ~exists().where(DeliveryRow.outbox_id == OutboxRow.id))).rowcount


def forget_sender(engine: Engine, sender_id: str) -> int:
    """The hand-off requests of one conversation deleted (its only rows tied to a sender); how many."""
    with Session(engine) as session, session.begin():
        return session.execute(delete(HandoffRequest).where(
            HandoffRequest.sender_hash == pseudonym(sender_id))).rowcount


def _purge_conversations(path: Path, cutoff: dt.datetime) -> int:
    """Rows of the tracker file (bot/tracker_store.py) last saved before the cutoff; the Rasa
    process's cache drops such conversations by the same rule."""
    if not path.is_file():
        return 0
    with sqlite3.connect(path, timeout=10) as connection:
        if not connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'conversations'").fetchone():
            return 0
        return connection.execute("DELETE FROM conversations WHERE updated_at < ?", (cutoff.timestamp(),)).rowcount
