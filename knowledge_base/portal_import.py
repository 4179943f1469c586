"""Bringing the national portal's official records into the catalog.

One pass, all or nothing:

    portal records (portal.py parses them) ──► official Procedure per national code
    drafted records ──► merged into their official counterpart (portal_merge.yaml, reviewed
                        by a person; else the drafted national code) — their citizen
                        vocabulary (name, aliases, keywords, related) moves over, their
                        drafted facts are dropped; the rest stay, marked as drafted
    existing official record ──► its vocabulary and former ids kept; a staff-verified one
                        is never overwritten: the difference is reported as a conflict

A second run with the same snapshot changes nothing; a newer snapshot updates the records
whose official facts changed and the report says which fields.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from knowledge_base import KnowledgeBaseError
from knowledge_base.catalog import Catalog, apply_changes, load_catalog
from knowledge_base.portal import PortalDocument, PortalRecord, load_records
from knowledge_base.schema import Document, Flag, Method, Procedure, Record, procedure_to_raw

MERGE_FILE = Path(__file__).with_name("portal_merge.yaml")
SUPERSEDED_FILE = Path(__file__).with_name("superseded_law.yaml")
PORTAL_SOURCE = "Cổng Dịch vụ công quốc gia — Cơ sở dữ liệu quốc gia về thủ tục hành chính"
# Facts an official import owns; everything else (vocabulary, links) is ours to keep.
OFFICIAL_FIELDS = ("name", "field", "levels", "agency", "where_to_submit", "applicants", "steps", "methods",
                   "documents", "result", "legal_basis", "conditions", "portal_url", "decision", "source",
                   "flags", "source_text")


class PortalImportError(KnowledgeBaseError):
    pass


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)     # id -> official fields that changed
    unchanged: int = 0
    merged: dict[str, str] = field(default_factory=dict)            # drafted id -> official id
    conflicts: dict[str, list[str]] = field(default_factory=dict)   # verified record -> fields the portal changed

    def lines(self) -> list[str]:
        out = [f"added {len(self.added)}, updated {len(self.updated)}, unchanged {self.unchanged}, "
               f"drafted records merged {len(self.merged)}, conflicts {len(self.conflicts)}"]
        out += [f"  updated {i}: {', '.join(f)}" for i, f in sorted(self.updated.items())]
        out += [f"  merged {d} -> {o}" for d, o in sorted(self.merged.items())]
        out += [f"  CONFLICT {i} (staff-verified, kept as is; the portal changed: {', '.join(f)})"
                for i, f in sorted(self.conflicts.items())]
        return out


def quantity(doc: PortalDocument) -> str | None:
    parts = [f"{n} {label}" for n, label in ((doc.originals, "bản chính"), (doc.copies, "bản sao")) if n]
    return ", ".join(parts) or None


def legal_reference(title: str, number: str | None) -> str:
    return title if not number or number in title else f"{title} ({number})"


def official_procedure(record: PortalRecord, collected: dt.date) -> Procedure:
    """The catalog's form of one portal record: facts as the portal states them, flags kept."""
    flags = [Flag(f.field, f.reason, " ".join(f.detail.split())) for f in record.flags]
    if not record.levels:
        flags.append(Flag("levels", "unparsed", f"Không đọc được cấp thực hiện: “{record.level_text}”"))
    return Procedure(
        id=record.code, national_code=record.code, name=record.name, field=record.field or "Khác",
        levels=record.levels or ("other",), agency=record.agency or record.competent_agency,
        where_to_submit=record.address, applicants=record.applicants, steps=record.steps or None,
        methods=tuple(Method(m.channel, m.processing_time, m.fee, m.description) for m in record.methods) or None,
        documents=tuple(Document(d.name, quantity(d), d.form, d.case, d.section) for d in record.documents) or None,
        result="; ".join(record.results) or None,
        legal_basis=tuple(legal_reference(r.title, r.number) for r in record.legal_basis) or None,
        conditions=record.conditions, online_level=None, portal_url=record.detail_url, related=(),
        aliases=(), keywords=(), source=PORTAL_SOURCE + (f"; công bố tại Quyết định {record.decision}"
                                                          if record.decision else ""),
        last_checked=collected, provenance="official", decision=record.decision, flags=tuple(flags),
        source_text=dict(record.source_texts),
    )


def read_merge_map(path: Path = MERGE_FILE) -> dict[str, str | None]:
    """drafted id -> national code (None: no official counterpart), as reviewed by a person."""
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, Mapping):
        raise PortalImportError(f"{path}: expected a mapping of drafted ids")
    return {str(k): (str(v["code"]) if isinstance(v, Mapping) and v.get("code") else None) for k, v in raw.items()}


def read_superseded(path: Path = SUPERSEDED_FILE) -> dict[str, Flag]:
    """Drafted records resting on superseded law, as flags for staff."""
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    flags = {}
    for record_id, entry in raw.items():
        cites = ", ".join(entry.get("cites") or ())
        by = entry.get("superseded_by")
        detail = f"Căn cứ {cites} đã hết hiệu lực" + (f" (thay bằng {by})" if by else "")
        flags[str(record_id)] = Flag("legal_basis", "superseded_law",
                                     f"{detail}. {entry.get('note') or ''}".strip())
    return flags


def _vocabulary(into: Procedure, drafted: Iterable[Procedure]) -> Procedure:
    """The official record with the citizens' words of the drafted records merged into it:
    the drafted record with its national code, or the most general one, comes first."""
    drafted = sorted(drafted, key=lambda d: (d.national_code != into.national_code, len(d.name), d.id))
    aliases = [*into.aliases, *(n for d in drafted for n in (d.name, *d.aliases))]
    keywords = [*into.keywords, *(k for d in drafted for k in d.keywords)]
    taken = {into.name}
    return replace(
        into,
        aliases=tuple(a for a in dict.fromkeys(aliases) if a not in taken),
        keywords=tuple(dict.fromkeys(keywords)),
        related=tuple(dict.fromkeys((*into.related, *(r for d in drafted for r in d.related)))),
        former_ids=tuple(dict.fromkeys((*into.former_ids, *(d.id for d in drafted)))),
    )


def _changed_fields(old: Procedure, new: Procedure) -> list[str]:
    a, b = procedure_to_raw(old), procedure_to_raw(new)
    return [f for f in OFFICIAL_FIELDS if a.get(f) != b.get(f)]


def plan_import(catalog: Catalog, records: list[PortalRecord], collected: dt.date,
                merge_map: Mapping[str, str | None], superseded: Mapping[str, Flag]
                ) -> tuple[list[Record], list[Record], ImportReport]:
    """What to write and what to remove, without touching a file."""
    report = ImportReport()
    official = {r.code: official_procedure(r, collected) for r in records}
    existing = {p.id: p for p in catalog.procedures}
    drafted_into: dict[str, list[Procedure]] = {}
    for p in catalog.procedures:
        if p.provenance != "drafted":
            continue
        code = merge_map.get(p.id) if p.id in merge_map else p.national_code
        if code in official:
            drafted_into.setdefault(code, []).append(p)
            report.merged[p.id] = code
    id_map = dict(report.merged)
    for p in catalog.procedures:   # old ids of earlier merges still resolve
        id_map.update({old: p.id for old in p.former_ids})

    writes: list[Record] = []
    for code, new in official.items():
        old = existing.get(code)
        if old is not None:   # keep what we added to an earlier import: vocabulary, links, former ids
            new = replace(new, aliases=old.aliases, keywords=old.keywords, related=old.related,
                          former_ids=old.former_ids, online_level=old.online_level, notes=old.notes)
        new = _vocabulary(new, drafted_into.get(code, ()))
        if old is not None and old.provenance == "verified":
            changes = _changed_fields(old, replace(new, provenance="verified"))
            if changes:
                report.conflicts[code] = changes
            new = replace(old, aliases=new.aliases, keywords=new.keywords, related=new.related,
                          former_ids=new.former_ids)
        if old is None:
            report.added.append(code)
        elif changes := _changed_fields(old, new):
            report.updated[code] = changes
        writes.append(new)

    merged_ids = set(report.merged)
    kept = [r for r in (*catalog.procedures, *catalog.faqs)
            if r.id not in official and r.id not in merged_ids]
    final_ids = {r.id for r in writes} | {r.id for r in kept if isinstance(r, Procedure)}
    for record in kept:
        changed = record
        if isinstance(record, Procedure) and record.id in superseded:
            flag = superseded[record.id]
            if flag not in record.flags:
                changed = replace(changed, flags=(*changed.flags, flag))
        changed = _relink(changed, id_map, final_ids)
        if changed != record:
            writes.append(changed)
    writes = [_relink(r, id_map, final_ids) for r in writes]
    unchanged = {r.id for r in writes if existing.get(r.id) == r}
    report.unchanged = len(unchanged)
    writes = [r for r in writes if r.id not in unchanged]
    removals = [p for p in catalog.procedures if p.id in merged_ids]
    return writes, removals, report


def _relink(record: Record, id_map: Mapping[str, str], final_ids: set[str]) -> Record:
    """Related ids pointing at merged drafted records now point at their official record."""
    related = tuple(dict.fromkeys(
        i for i in (id_map.get(r, r) for r in record.related) if i in final_ids and i != record.id))
    return record if related == record.related else replace(record, related=related)


def import_portal(catalog_dir: Path, paths: list[Path], collected: dt.date,
                  merge_file: Path = MERGE_FILE, superseded_file: Path = SUPERSEDED_FILE) -> ImportReport:
    """Import the portal records into the catalog; any failure puts every file back."""
    records = load_records(paths)
    if not records:
        raise PortalImportError(f"no portal records (*.json) found in {', '.join(map(str, paths))}")
    catalog = load_catalog(catalog_dir)
    writes, removals, report = plan_import(catalog, records, collected, read_merge_map(merge_file),
                                           read_superseded(superseded_file))
    apply_changes(catalog_dir, writes, removals)
    return report

