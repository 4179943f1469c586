"""Refusing look-ups after repeated failed checks: per chat user, per client address, and per
dossier code *for the source that failed on it*.

After `max_failures` failed checks within `failure_window_minutes` for one subject, that
subject is locked, for `lockout_minutes` the first time and twice as long each time it is
locked again (at most a day). A code is never locked for everyone: a stranger guessing it
locks only their own source, so the owner, from another source, keeps a way in. Failures on
one code from many sources, and failures overall, are counted for alerts only
(`code_alert_failures`, `alert_failures_per_minute`: a WARNING "SECURITY ALERT" for staff).
The state lives in the application database, so it survives restarts and holds across
processes and nodes. Subjects are stored only as keyed hashes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from typing import Sequence

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from appdb.tables import CheckFailureRow, LockoutRow, utc
from appdb.upsert import upsert
from dossiers import DossierUnavailable
from dossiers.codes import code_ref
from dossiers.settings import DossierSettings

log = logging.getLogger(__name__)


MAX_LOCK = dt.timedelta(days=1)
EVERYONE = "everyone"          # the subject counting every failure, for the global alert


def sender_subject(sender_id: str) -> str:
    return "sender:" + sender_id


def client_subject(client: str) -> str:
    """A client address (the web chat's and the REST API's callers; Telegram/Zalo have none)."""
    return "client:" + client


def dossier_subject(code: str, source: str | None = None) -> str:
    """Any code, known or not (a lock never tells whether a dossier exists); with a source: that
    source's failures on that code, without one: everyone's (counted for alerts only)."""
    return "dossier:" + code + (f"|{source}" if source else "")


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

    def record_failure(self, subjects: Sequence[str], now: dt.datetime, code: str | None = None) -> dt.datetime | None:
        """Count a failed check against each subject, locking those at the limit, and against the code
        for everyone and every failure overall (alerts only); the new lock's end if one is now locked."""
        window_start = now - dt.timedelta(minutes=self.settings.failure_window_minutes)
        locked = None
        try:
            with Session(self.engine) as session, session.begin():
                for subject in subjects:
                    if self._count(session, self._key(subject), now, window_start) >= self.settings.max_failures:
                        locked = self._lock(session, self._key(subject), now)
                on_code = self._count(session, self._key(dossier_subject(code)), now, window_start) if code else 0
                if on_code == self.settings.code_alert_failures:
                    log.warning("SECURITY ALERT: %d failed checks on dossier %s within %d minutes, from several "
                                "sources", on_code, code_ref(code), self.settings.failure_window_minutes)
                last_minute = self._count(session, self._key(EVERYONE), now, now - dt.timedelta(minutes=1))
                if last_minute == self.settings.alert_failures_per_minute:
                    log.warning("SECURITY ALERT: %d failed dossier checks in the last minute",
                                self.settings.alert_failures_per_minute)
        except SQLAlchemyError as error:
            raise DossierUnavailable("the lock-out table did not answer") from error
        return locked

    @staticmethod
    def _count(session: Session, key: str, now: dt.datetime, window_start: dt.datetime) -> int:
        """Record one failure for the subject; its failures since window_start, this one included."""
        session.execute(delete(CheckFailureRow).where(CheckFailureRow.subject == key,
                                                      CheckFailureRow.failed_at < window_start))
        session.execute(insert(CheckFailureRow).values(subject=key, failed_at=now))
        return session.scalar(select(func.count()).select_from(CheckFailureRow).where(
            CheckFailureRow.subject == key, CheckFailureRow.failed_at >= window_start)) or 0

    def _lock(self, session: Session, key: str, now: dt.datetime) -> dt.datetime:
        """Lock a subject: twice as long as its previous lock (lockout_minutes the first time), at most a day."""
        strikes = session.scalar(select(LockoutRow.strikes).where(LockoutRow.subject == key)) or 0
        until = now + min(dt.timedelta(minutes=self.settings.lockout_minutes) * 2 ** strikes, MAX_LOCK)
        upsert(session, LockoutRow, {"subject": key, "locked_until": until, "strikes": strikes + 1},
               {"locked_until": until, "strikes": strikes + 1})
        session.execute(delete(CheckFailureRow).where(CheckFailureRow.subject == key))
        return until
