"""Tables of the application database and the migrations that create them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Engine, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from actions.database import Base, migration


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


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
    status: Mapped[str] = mapped_column(String(16), default="open")


@migration(1, "unanswered questions, feedback, hand-off requests")
def _create_conversation_tables(engine: Engine) -> None:
    Base.metadata.create_all(engine, tables=[
        UnansweredQuestion.__table__, Feedback.__table__, HandoffRequest.__table__])
