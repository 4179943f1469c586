"""The review queue: every import flag and every drafted record, oldest checked first, minus what
staff resolved (table flag_decisions: who decided what); and the records whose file an official
re-import changed after a staff edit (conflicts)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from appdb.engine import engine
from appdb.tables import FlagDecision, RecordVersion
from knowledge_base.catalog import Catalog
from workspace import versions
from workspace.content import to_raw

DRAFTED = ("*", "drafted")       # the (field, reason) of a drafted record's entry


@dataclass(frozen=True)
class Item:
    record_id: str
    title: str
    field: str
    reason: str
    detail: str
    checked: str


def decisions() -> dict[tuple[str, str, str], FlagDecision]:
    with Session(engine()) as session:
        return {(d.record_id, d.field, d.reason): d for d in session.scalars(select(FlagDecision))}


def queue(catalog: Catalog, reason: str = "") -> list[Item]:
    done = decisions()
    items = []
    for p in sorted(catalog.procedures, key=lambda p: (p.last_checked, p.id)):
        entries = [(f.field, f.reason, f.detail) for f in p.flags]
        if p.provenance == "drafted":
            entries.append((*DRAFTED, "Hồ sơ do nhóm soạn thảo, chưa được cán bộ xác minh"))
        for field, why, detail in entries:
            if (p.id, field, why) not in done and (not reason or why == reason):
                items.append(Item(p.id, p.name, field, why, detail, p.last_checked.strftime("%d/%m/%Y")))
    return items


def reasons(catalog: Catalog) -> list[str]:
    return sorted({f.reason for p in catalog.procedures for f in p.flags} | {DRAFTED[1]})


def resolve(record_id: str, field: str, reason: str, decision: str, username: str) -> None:
    with Session(engine()) as session, session.begin():
        session.add(FlagDecision(record_id=record_id, field=field, reason=reason, decision=decision,
                                 decided_by=username))


def resolved(limit: int = 50) -> list[FlagDecision]:
    with Session(engine()) as session:
        return list(session.scalars(select(FlagDecision).order_by(FlagDecision.id.desc()).limit(limit)))


def conflicts(catalog: Catalog) -> list[tuple[str, list[str]]]:
    """(record id, fields the file changed) for each staff-touched record whose file moved on."""
    with Session(engine()) as session:
        touched = list(session.scalars(select(RecordVersion.record_id).distinct()))
    found = []
    for record_id in sorted(touched):
        record = catalog.get(record_id)
        if record is not None:
            changed = versions.status(record_id, to_raw(record)).conflict
            if changed:
                found.append((record_id, changed))
    return found
