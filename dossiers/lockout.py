"""Refusing look-ups after repeated failed checks, per sender and per dossier code.

After `max_failures` failed checks within `failure_window_minutes` for one subject, that
subject is locked for `lockout_minutes`. The state lives in the application database, so it
survives restarts and holds across processes. Subjects are stored only as keyed hashes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Sequence

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from appdb.tables import CheckFailureRow, LockoutRow, utc
from appdb.upsert import upsert
from dossiers import DossierUnavailable
from dossiers.settings import DossierSettings


def sender_subject(sender_id: str) -> str:
    return "sender:" + sender_id


def dossier_subject(code: str) -> str:
    """Any code, known or not: a lock never tells whether a dossier exists."""
    return "dossier:" + code


class Lockout:
    def __init__(self, engine: Engine, settings: DossierSettings):
        self.engine, self.settings = engine, settings
        self._secret = ("lockout:" + settings.hash_key.get_secret_value()).encode()

    def _key(self, subject: str) -> str:
        return hmac.new(self._secret, subject.encode(), hashlib.sha256).hexdigest()

    def locked_until(self, subjects: Sequence[str], now: dt.datetime) -> dt.datetime | None:
        """The end of the longest lock on any of these subjects, or None when none is locked."""
        keys = [self._key(s) for s in subjects]
        try:
            with Session(self.engine) as session:
                until = session.scalar(select(func.max(LockoutRow.locked_until)).where(LockoutRow.subject.in_(keys)))
        except SQLAlchemyError as error:
            raise DossierUnavailable("the lock-out table did not answer") from error
        return utc(until) if until is not None and utc(until) > now else None

    def record_failure(self, subjects: Sequence[str], now: dt.datetime) -> dt.datetime | None:
        """Count a failed check against each subject; the new lock's end if one is now locked."""
        window_start = now - dt.timedelta(minutes=self.settings.failure_window_minutes)
        until = now + dt.timedelta(minutes=self.settings.lockout_minutes)
        locked = None
        try:
            with Session(self.engine) as session, session.begin():
                for key in map(self._key, subjects):
                    session.execute(delete(CheckFailureRow).where(CheckFailureRow.subject == key,
                                                                  CheckFailureRow.failed_at < window_start))
                    session.execute(insert(CheckFailureRow).values(subject=key, failed_at=now))
                    failures = session.scalar(select(func.count()).select_from(CheckFailureRow).where(
                        CheckFailureRow.subject == key, CheckFailureRow.failed_at >= window_start))
                    if failures >= self.settings.max_failures:
                        self._lock(session, key, until)
                        locked = until
        except SQLAlchemyError as error:
            raise DossierUnavailable("the lock-out table did not answer") from error
        return locked

    @staticmethod
    def _lock(session: Session, key: str, until: dt.datetime) -> None:
        upsert(session, LockoutRow, {"subject": key, "locked_until": until}, {"locked_until": until})
        session.execute(delete(CheckFailureRow).where(CheckFailureRow.subject == key))
