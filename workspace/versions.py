"""The versions of a record that staff saved (table record_versions), its history as diffs, and
what the catalog file must hold.

States: `base` — the record as the catalog (or an official import) gave it, kept when staff first
touch it or accept an import; `draft` — saved by staff, not yet shown to citizens; `published` —
written to the catalog and indexed. The newest base or published version is what the catalog file
should hold: a file that differs was changed outside the workspace (an official re-import), and
that is shown as a conflict, with the fields staff had changed, never silently taken over.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from appdb.engine import engine
from appdb.tables import RecordVersion, utcnow

FILE_STATES = ("base", "published")
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)      # libyaml: records' long texts dump fast


def _dump(content: dict | None) -> list[str]:
    return yaml.dump(content, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100).splitlines() \
        if content else []


def history(record_id: str) -> list[RecordVersion]:
    """Oldest first."""
    with Session(engine()) as session:
        return list(session.scalars(select(RecordVersion).where(RecordVersion.record_id == record_id)
                                    .order_by(RecordVersion.id)))


def get(version_id: int) -> RecordVersion | None:
    with Session(engine()) as session:
        return session.get(RecordVersion, version_id)


def add(record_id: str, kind: str, content: dict, author: str, state: str, note: str | None = None) -> RecordVersion:
    with Session(engine()) as session, session.begin():
        row = RecordVersion(record_id=record_id, kind=kind, content=content, author=author, state=state, note=note,
                            created_at=utcnow(),
                            published_by=author if state == "published" else None,
                            published_at=utcnow() if state == "published" else None)
        session.add(row)
        session.flush()
        session.expunge(row)
        return row


def mark_published(version_id: int, by: str) -> None:
    with Session(engine()) as session, session.begin():
        row = session.get(RecordVersion, version_id)
        row.state, row.published_by, row.published_at = "published", by, utcnow()


@dataclass(frozen=True)
class Status:
    expected: RecordVersion | None        # what the file should hold (newest base or published)
    draft: RecordVersion | None           # a newer draft, not yet published
    conflict: list[str]                   # fields where the file differs from `expected`
    staff_fields: dict                    # what staff changed in `expected` against the base before it


def status(record_id: str, on_disk: dict) -> Status:
    versions = history(record_id)
    expected = next((v for v in reversed(versions) if v.state in FILE_STATES), None)
    draft = next((v for v in reversed(versions) if v.state == "draft" and (expected is None or v.id > expected.id)),
                 None)
    conflict = changed_fields(expected.content, on_disk) if expected else []
    base = next((v for v in reversed(versions) if v.state == "base" and expected and v.id <= expected.id), None)
    staff = {k: expected.content.get(k) for k in changed_fields(base.content, expected.content)} \
        if expected and base and expected.state == "published" else {}
    return Status(expected, draft, conflict, staff)


def changed_fields(old: dict, new: dict) -> list[str]:
    return [k for k in dict.fromkeys((*old, *new)) if old.get(k) != new.get(k)]


def diff(old: dict | None, new: dict) -> list[tuple[str, str]]:
    """The change from one version to the next as (kind, line): kind is ' ', '-', '+' or '@'."""
    return _diff(_dump(old), _dump(new))


def diffs(chain: list[RecordVersion]) -> list[list[tuple[str, str]]]:
    """Each version's change from the one before it (each version dumped once)."""
    dumps = [[], *(_dump(v.content) for v in chain)]
    return [_diff(dumps[i], dumps[i + 1]) for i in range(len(chain))]


def _diff(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    lines = list(difflib.unified_diff(old, new, lineterm="", n=1))[2:]
    return [("@" if line.startswith("@@") else line[:1] or " ", line) for line in lines]


def pending_ids() -> set[str]:
    """Records with a draft newer than what their file holds: waiting to be published."""
    with Session(engine()) as session:
        rows = session.execute(select(RecordVersion.record_id, RecordVersion.id, RecordVersion.state)
                               .order_by(RecordVersion.id)).all()
    newest: dict[str, str] = {}
    for record_id, _, state in rows:
        newest[record_id] = state
    return {record_id for record_id, state in newest.items() if state == "draft"}
