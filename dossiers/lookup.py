"""The secure look-up a citizen's chat uses: lock-out, then the store's check, then the answer.

Nothing about a dossier comes out before the check passes; an unknown code and wrong digits
give the same outcome after the same work; every failed check counts against the sender, the
client address and the code for that source (known code or not); see dossiers/lockout.py.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from appdb.lazy import Lazy
from dossiers import DossierUnavailable
from dossiers.checks import is_check_digits
from dossiers.codes import code_ref, normalize_code
from dossiers.lockout import Lockout, client_subject, dossier_subject, sender_subject
from dossiers.model import Dossier
from dossiers.settings import DossierSettings
from dossiers.store import DossierStore
from envconfig import SettingsError

log = logging.getLogger(__name__)
MIN_HASH_KEY = 32          # bytes: a leaked database must not give the last 4 digits in 10,000 tries


@dataclass(frozen=True)
class Found:
    dossier: Dossier


@dataclass(frozen=True)
class NotFound:
    """Unknown code or wrong digits: deliberately the same. `locked_until` when this failure locked."""

    locked_until: dt.datetime | None = None


@dataclass(frozen=True)
class Locked:
    until: dt.datetime


Outcome = Found | NotFound | Locked


class DossierLookup:
    def __init__(self, store: DossierStore, lockout: Lockout):
        self.store, self.lockout = store, lockout

    def check(self, sender: str, code: str, check_digits: str, now: dt.datetime | None = None,
              client: str | None = None) -> Outcome:
        """`client`: the caller's address where the channel knows it (web chat, REST API).
        Raises InvalidDossierCode / ValueError for malformed input (nothing counted), DossierUnavailable."""
        code = normalize_code(code)
        if not is_check_digits(check_digits):
            raise ValueError("check digits are 4 digits")
        now = now or dt.datetime.now(dt.timezone.utc)
        source = client_subject(client) if client else sender_subject(sender)
        subjects = tuple(dict.fromkeys((sender_subject(sender), source, dossier_subject(code, source))))
        until = self.lockout.locked_until(subjects, now)
        if until is not None:
            log.info("dossier look-up refused: locked (%s)", code_ref(code))
            return Locked(until)
        dossier = self.store.lookup(code, check_digits)
        if dossier is None:
            locked = self.lockout.record_failure(subjects, now, code)
            log.info("dossier look-up: check failed (%s)%s", code_ref(code), ", now locked" if locked else "")
            return NotFound(locked)
        log.info("dossier look-up: found (%s)", code_ref(code))
        return Found(dossier)


def _open_lookup() -> DossierLookup:
    """The look-up on the configured backend."""
    from sqlalchemy.exc import SQLAlchemyError

    from appdb.engine import engine
    from dossiers.store import open_store
    try:
        settings = DossierSettings.from_env()
    except SettingsError as error:     # logged by the action, which tells the citizen it is unavailable
        raise DossierUnavailable(f"the dossier settings: {error}") from error
    if settings.backend == "sql" and len(settings.hash_key.get_secret_value().encode()) < MIN_HASH_KEY:
        raise DossierUnavailable(f"DOSSIER_HASH_KEY must be a secret of at least {MIN_HASH_KEY} bytes for the SQL "
                                 "backend (make run creates one under var/secrets)")
    try:
        return DossierLookup(open_store(settings), Lockout(engine(), settings))
    except SQLAlchemyError as error:
        raise DossierUnavailable("the application database cannot be opened") from error


_lookup: Lazy[DossierLookup] = Lazy(_open_lookup)
dossier_lookup = _lookup.get          # the process's look-up, created on first use
use_dossier_lookup = _lookup.set      # another look-up (tests), or None for the configured one
