"""Every table of the application database. Created and changed only by the Alembic
migrations in appdb/migrations (run by `python -m appdb migrate`, the stack and the staff CLIs)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, TypeDecorator,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def utc(value: dt.datetime) -> dt.datetime:
    """A stored timestamp as an aware UTC datetime (SQLite gives them back naive)."""
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


class UtcDateTime(TypeDecorator):
    """A timestamp written as UTC whatever the zone it is given in (SQLite keeps none: a Vietnam-time
    value would otherwise be compared as if it were UTC); read back as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return utc(value) if isinstance(value, dt.datetime) else value

    def process_result_value(self, value, dialect):
        return utc(value) if isinstance(value, dt.datetime) else value


# --- the journal: what citizens asked and said, for staff ------------------------------------
class UnansweredQuestion(Base):
    """A question the knowledge base found nothing for, counted, for staff to review."""

    __tablename__ = "unanswered_questions"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)   # folded text
    text: Mapped[str] = mapped_column(Text)                            # as first asked, personal numbers masked
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Feedback(Base):
    """A citizen's rating of an answer, with the record it was about."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    record_id: Mapped[str | None] = mapped_column(String(64))
    question: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str] = mapped_column(String(8))                     # "up" | "down"
    comment: Mapped[str | None] = mapped_column(Text)


class HandoffRequest(Base):
    """A conversation handed to a human; the sender is kept only as a hash."""

    __tablename__ = "handoff_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    channel: Mapped[str] = mapped_column(String(32))
    sender_hash: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")   # open | claimed | closed
    # The conversation to answer from the staff workspace; emptied when the hand-off is closed.
    conversation_id: Mapped[str | None] = mapped_column(String(200))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# --- dossiers and the look-up lock-out ---------------------------------------------------------


class DossierRow(Base):
    __tablename__ = "dossiers"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    procedure_name: Mapped[str] = mapped_column(Text)
    procedure_id: Mapped[str | None] = mapped_column(String(64))
    applicant_name: Mapped[str] = mapped_column(String(200))
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    id_number_masked: Mapped[str | None] = mapped_column(String(20))
    check_salt: Mapped[str] = mapped_column(String(32))
    phone_hash: Mapped[str | None] = mapped_column(String(64))      # HMAC of the phone's last 4 digits
    id_number_hash: Mapped[str | None] = mapped_column(String(64))  # HMAC of the ID number's last 4 digits
    received_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32))
    handling_unit: Mapped[str] = mapped_column(Text)
    status_note: Mapped[str | None] = mapped_column(Text)
    missing_documents: Mapped[list] = mapped_column(JSON, default=list)
    supplement_place: Mapped[str | None] = mapped_column(Text)
    apology_letter: Mapped[str | None] = mapped_column(Text)
    new_due_on: Mapped[dt.date | None] = mapped_column(Date)
    collection_method: Mapped[str | None] = mapped_column(Text)
    collection_place: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StatusChangeRow(Base):
    __tablename__ = "dossier_status_history"
    __table_args__ = (Index("ix_dossier_status_history_code_at", "dossier_code", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(String(40), ForeignKey("dossiers.code", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class CheckFailureRow(Base):
    """One failed check, for a sender or a dossier (both kept only as keyed hashes)."""

    __tablename__ = "dossier_check_failures"
    __table_args__ = (Index("ix_dossier_check_failures_subject_at", "subject", "failed_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LockoutRow(Base):
    __tablename__ = "dossier_lockouts"
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    locked_until: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    strikes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")   # locks so far: each lasts twice as long


# --- notifications of dossier changes (notifications/) ----------------------------------------
class SubscriptionRow(Base):
    """A conversation following a dossier (made after the owner check passed); no personal number."""

    __tablename__ = "notification_subscriptions"
    __table_args__ = (UniqueConstraint("dossier_code", "conversation_id", name="uq_subscription_dossier_conversation"),
                      Index("ix_notification_subscriptions_conversation", "conversation_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)        # in the "hủy theo dõi" buttons
    dossier_code: Mapped[str] = mapped_column(String(40), index=True)
    conversation_id: Mapped[str] = mapped_column(String(200))             # Rasa sender id, e.g. telegram-<chat id>
    channel: Mapped[str] = mapped_column(String(16))                       # telegram | zalo | web
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class SubscriptionOfferRow(Base):
    """The dossier a conversation just passed the owner check for: what "báo cho tôi" subscribes to."""

    __tablename__ = "notification_offers"
    conversation_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    dossier_code: Mapped[str] = mapped_column(String(40))
    offered_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class OutboxRow(Base):
    """One change of a dossier, written in the transaction that made it; fanned out once by the worker."""

    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_pending", "fanned_out_at", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(16))                          # status | late
    snapshot: Mapped[dict] = mapped_column(JSON)                           # what the notification says (no name)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    fanned_out_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class DeliveryRow(Base):
    """One change to one subscription: its idempotency key, state and retries (the dead letters too)."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (Index("ix_notification_deliveries_due", "state", "next_attempt_at"),
                      Index("ix_notification_deliveries_conversation_sent", "conversation_id", "sent_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)              # "<outbox id>:<subscription id>"
    outbox_id: Mapped[int] = mapped_column(Integer, ForeignKey("notification_outbox.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("notification_subscriptions.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(12), default="pending")     # pending|held|sent|dead|cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    leased_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class WatchedDossierRow(Base):
    """The one-stop-shop adapter's dossiers under watch: the last state seen by the poller."""

    __tablename__ = "notification_watched"
    dossier_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    snapshot: Mapped[dict] = mapped_column(JSON)                           # dossiers.changes.snapshot
    checked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


# --- retention -----------------------------------------------------------------------------------
class RetentionRun(Base):
    """One run of the retention job: how much of each kind it deleted (counts only)."""

    __tablename__ = "retention_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    conversations: Mapped[int] = mapped_column(Integer)
    unanswered_questions: Mapped[int] = mapped_column(Integer)
    handoff_requests: Mapped[int] = mapped_column(Integer)
    feedback_texts: Mapped[int] = mapped_column(Integer)     # comments and questions emptied, ratings kept
    notifications: Mapped[int] = mapped_column(Integer, default=0, server_default="0")   # their rows deleted


# --- the staff workspace (workspace/) ----------------------------------------------------------
class StaffUser(Base):
    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(100))          # bcrypt
    role: Mapped[str] = mapped_column(String(16))                    # editor | reviewer | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StaffSession(Base):
    """A signed-in browser: only the token's hash is kept, with the form (CSRF) token and the expiry."""

    __tablename__ = "staff_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """A wrong password, for an account name or a client address (both kept as hashes)."""

    __tablename__ = "staff_login_failures"
    __table_args__ = (Index("ix_staff_login_failures_subject_at", "subject", "failed_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Who did what, when, in the workspace."""

    __tablename__ = "staff_audit"
    __table_args__ = (Index("ix_staff_audit_at", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)


class RecordVersion(Base):
    """One version of a catalog record as staff saved it (the whole record, as its YAML file holds it).

    draft: saved, not yet shown to citizens; published: written to the catalog and indexed (the
    newest published one is what the catalog file must hold: anything else there is a conflict)."""

    __tablename__ = "record_versions"
    __table_args__ = (Index("ix_record_versions_record_id", "record_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))                    # procedure | faq
    content: Mapped[dict] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(64))                  # a username, or "catalog" for the base
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="draft")  # base | draft | published
    published_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class FlagDecision(Base):
    """How staff resolved an import flag (or a drafted record, field "*"): who decided what."""

    __tablename__ = "flag_decisions"
    __table_args__ = (Index("ix_flag_decisions_record", "record_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WorkspaceOption(Base):
    """A setting the admin chooses in the workspace (e.g. whether edits are published at once)."""

    __tablename__ = "workspace_options"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class UnansweredHandled(Base):
    """An unanswered question staff dealt with (alias added, FAQ started, or set aside); asked again
    after `handled_at`, it shows again."""

    __tablename__ = "unanswered_handled"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)   # UnansweredQuestion.key
    handled_by: Mapped[str] = mapped_column(String(64))
    handled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    how: Mapped[str] = mapped_column(String(200))
