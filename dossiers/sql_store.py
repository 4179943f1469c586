"""The SQL dossier store (SQLAlchemy 2): SQLite file by default, PostgreSQL through DATABASE_URL."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from appdb.tables import DossierRow, OutboxRow, StatusChangeRow, SubscriptionRow, utc
from dossiers import DossierError, DossierUnavailable
from dossiers.changes import change_kind, snapshot
from dossiers.checks import ID_NUMBER, PHONE, digest, matches, new_salt
from dossiers.model import Applicant, Dossier, DossierUpdate, Status, StatusChange

CHUNK = 500


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int


class SqlDossierStore:
    def __init__(self, engine: Engine, hash_key: str = ""):
        self.engine, self.hash_key = engine, hash_key

    # --- reading -------------------------------------------------------------------------
    def lookup(self, code: str, check_digits: str) -> Dossier | None:
        try:
            with Session(self.engine) as session:
                row = session.get(DossierRow, code)
                ok = matches(self.hash_key, row and row.check_salt, row and row.phone_hash,
                             row and row.id_number_hash, check_digits)
                return self._dossier(session, row) if row is not None and ok else None
        except SQLAlchemyError as error:
            raise DossierUnavailable("the dossier database did not answer") from error

    def get(self, code: str) -> Dossier | None:
        try:
            with Session(self.engine) as session:
                row = session.get(DossierRow, code)
                return self._dossier(session, row) if row is not None else None
        except SQLAlchemyError as error:
            raise DossierUnavailable("the dossier database did not answer") from error

    def count(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(DossierRow)) or 0

    @staticmethod
    def _dossier(session: Session, row: DossierRow) -> Dossier:
        changes = session.scalars(select(StatusChangeRow).where(StatusChangeRow.dossier_code == row.code)
                                  .order_by(StatusChangeRow.at, StatusChangeRow.id))
        return Dossier(
            code=row.code, procedure_name=row.procedure_name, procedure_id=row.procedure_id,
            applicant=Applicant(row.applicant_name, row.phone_masked, row.id_number_masked),
            received_on=row.received_on, due_on=row.due_on, status=Status(row.status),
            handling_unit=row.handling_unit, status_note=row.status_note,
            history=tuple(StatusChange(Status(c.status), utc(c.at), c.note) for c in changes),
            missing_documents=tuple(row.missing_documents or ()), supplement_place=row.supplement_place,
            apology_letter=row.apology_letter, new_due_on=row.new_due_on,
            collection_method=row.collection_method, collection_place=row.collection_place,
        )

    # --- writing (import, demo set) ---------------------------------------------------------
    def upsert(self, updates: Iterable[DossierUpdate]) -> UpsertResult:
        """Create or update dossiers by code, in one transaction; re-running the same updates changes nothing.
        A change a follower is told about (notifications/) goes into the outbox in the same transaction."""
        unique = list({u.dossier.code: u for u in updates}.values())
        created = updated = 0
        now = dt.datetime.now(dt.timezone.utc)
        with Session(self.engine) as session, session.begin():
            for start in range(0, len(unique), CHUNK):
                chunk = unique[start:start + CHUNK]
                existing, last_status = self._current(session, [u.dossier.code for u in chunk])
                followed = self._followed(session, list(existing))
                new_rows, history, replaced, outbox = [], [], [], []
                for item in chunk:
                    code, row = item.dossier.code, existing.get(item.dossier.code)
                    values = self._values(item, row, now)
                    if row is None:
                        if values["phone_hash"] is None and values["id_number_hash"] is None:
                            raise DossierError(f"{code}: a new dossier needs the applicant's phone or ID number")
                        new_rows.append(values)
                        created += 1
                    else:
                        if code in followed:
                            after = snapshot(values.get)
                            kind = change_kind(snapshot(lambda name: getattr(row, name)), after)
                            if kind:
                                outbox.append({"dossier_code": code, "kind": kind, "snapshot": after,
                                               "created_at": now})
                        session.execute(update(DossierRow).where(DossierRow.code == code).values(**values))
                        updated += 1
                    if item.replace_history:
                        replaced.append(code)
                        history += [self._change(code, c) for c in item.dossier.history]
                    elif last_status.get(code) != item.dossier.status.value:
                        history.append(self._change(code, StatusChange(item.dossier.status, item.status_at or now)))
                if new_rows:
                    session.execute(insert(DossierRow), new_rows)
                if replaced:
                    session.execute(delete(StatusChangeRow).where(StatusChangeRow.dossier_code.in_(replaced)))
                if history:
                    session.execute(insert(StatusChangeRow), history)
                if outbox:
                    session.execute(insert(OutboxRow), outbox)
        return UpsertResult(created, updated)

    @staticmethod
    def _followed(session: Session, codes: Sequence[str]) -> set[str]:
        """The codes among these that someone follows (only their changes go into the outbox)."""
        if not codes:
            return set()
        return set(session.scalars(select(SubscriptionRow.dossier_code).distinct().where(
            SubscriptionRow.dossier_code.in_(codes), SubscriptionRow.cancelled_at.is_(None))))

    def _current(self, session: Session, codes: Sequence[str]) -> tuple[dict[str, DossierRow], dict[str, str]]:
        """The stored rows among these codes, and each one's latest status in the history."""
        rows = {r.code: r for r in session.scalars(select(DossierRow).where(DossierRow.code.in_(codes)))}
        latest = (select(func.max(StatusChangeRow.id)).where(StatusChangeRow.dossier_code.in_(list(rows)))
                  .group_by(StatusChangeRow.dossier_code))
        last = dict(session.execute(select(StatusChangeRow.dossier_code, StatusChangeRow.status)
                                    .where(StatusChangeRow.id.in_(latest))).all()) if rows else {}
        return rows, last

    def _values(self, item: DossierUpdate, row: DossierRow | None, now: dt.datetime) -> dict:
        d, check = item.dossier, item.check
        salt = row.check_salt if row is not None else new_salt()
        keep = (lambda name: getattr(row, name)) if row is not None else (lambda name: None)
        return {
            "code": d.code, "procedure_name": d.procedure_name, "procedure_id": d.procedure_id,
            "applicant_name": d.applicant.name,
            "phone_masked": d.applicant.phone_masked if check.phone else keep("phone_masked"),
            "id_number_masked": d.applicant.id_number_masked if check.id_number else keep("id_number_masked"),
            "check_salt": salt,
            "phone_hash": digest(self.hash_key, salt, PHONE, check.phone) if check.phone else keep("phone_hash"),
            "id_number_hash": (digest(self.hash_key, salt, ID_NUMBER, check.id_number) if check.id_number
                               else keep("id_number_hash")),
            "received_on": d.received_on, "due_on": d.due_on, "status": d.status.value,
            "handling_unit": d.handling_unit, "status_note": d.status_note,
            "missing_documents": list(d.missing_documents), "supplement_place": d.supplement_place,
            "apology_letter": d.apology_letter, "new_due_on": d.new_due_on,
            "collection_method": d.collection_method, "collection_place": d.collection_place,
            "updated_at": now,
        }

    @staticmethod
    def _change(code: str, change: StatusChange) -> dict:
        return {"dossier_code": code, "status": change.status.value,
                "at": change.at.astimezone(dt.timezone.utc), "note": change.note}
