"""The audit log: who did what, to what, when (table staff_audit). Details never hold citizens' data
unmasked: callers pass masked texts."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from appdb.engine import engine
from appdb.tables import AuditEntry


def record(username: str, action: str, target: str | None = None, detail: str | None = None) -> None:
    with Session(engine()) as session, session.begin():
        session.add(AuditEntry(username=username, action=action, target=target and target[:200], detail=detail))


def recent(limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    with Session(engine()) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).offset(offset).limit(limit)))
