"""DOSSIER_BACKEND=http: the followed dossiers are asked from the one-stop-shop adapter every
NOTIFY_DOSSIER_POLL_MINUTES, and at once when the system calls the webhook (notifications/webhook.py)
for it; a change of what a follower is told goes into the outbox together with the new state seen,
in one transaction. The first poll of a dossier only records its state."""
from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from appdb.tables import OutboxRow, SubscriptionRow, WatchedDossierRow, utc
from appdb.upsert import upsert
from dossiers import DossierError
from dossiers.changes import change_kind, of_dossier
from dossiers.codes import code_ref
from dossiers.store import DossierStore

log = logging.getLogger(__name__)


class Poller:
    def __init__(self, engine: Engine, store: DossierStore, minutes: float):
        self.engine, self.store = engine, store
        self.interval = dt.timedelta(minutes=minutes) if minutes else None     # None: only when nudged
        self._urgent: set[str] = set()
        self._lock = threading.Lock()

    def nudge(self, code: str) -> None:
        """The system says this dossier changed: ask for it in the next round (if someone follows it)."""
        with self._lock:
            self._urgent.add(code)

    def poll(self, now: dt.datetime) -> int:
        """Ask for each followed dossier not checked within the interval; the number of changes recorded."""
        with Session(self.engine) as session:
            codes = set(session.scalars(select(SubscriptionRow.dossier_code).distinct()
                                        .where(SubscriptionRow.cancelled_at.is_(None))))
            seen = {w.dossier_code: (w.snapshot, utc(w.checked_at)) for w in session.scalars(select(WatchedDossierRow))}
        with self._lock:
            urgent, self._urgent = self._urgent, set()
        recorded = 0
        for code in sorted(c for c in codes if c in urgent or c not in seen
                           or (self.interval and seen[c][1] <= now - self.interval)):
            try:
                dossier = self.store.get(code)
            except DossierError as error:
                log.warning("polling %s: %s", code_ref(code), error)
                continue
            if dossier is None:
                continue
            snap = of_dossier(dossier)
            kind = change_kind(seen.get(code, (None,))[0], snap)
            with self.engine.begin() as connection:
                if kind:
                    connection.execute(insert(OutboxRow).values(dossier_code=code, kind=kind, snapshot=snap,
                                                                created_at=now))
                    recorded += 1
                upsert(connection, WatchedDossierRow, {"dossier_code": code, "snapshot": snap, "checked_at": now},
                       {"snapshot": snap, "checked_at": now})
        return recorded
