"""The dossier tables of the application database, and the migrations that create them.

Registered in actions.database's numbered migrations (2, 3); SqlDossierStore and the
lock-out run `migrate()` on their engine, so the tables exist whoever created the engine.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, Engine, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from actions.database import Base, migration


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


@migration(2, "dossiers and their status history")
def _create_dossier_tables(engine: Engine) -> None:
    Base.metadata.create_all(engine, tables=[DossierRow.__table__, StatusChangeRow.__table__])


@migration(3, "dossier check failures and lock-outs")
def _create_lockout_tables(engine: Engine) -> None:
    Base.metadata.create_all(engine, tables=[CheckFailureRow.__table__, LockoutRow.__table__])


def utc(value: dt.datetime) -> dt.datetime:
    """A stored timestamp as an aware UTC datetime (SQLite gives them back naive)."""
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
