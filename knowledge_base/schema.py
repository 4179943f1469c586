"""The catalog's record types and their validation.

A procedure record follows the national procedure database (CSDL TTHC): one YAML file per
record under catalog/procedures/, one per FAQ entry under catalog/faqs/. A field that is
not known is left null: the bot then says it has no information instead of guessing.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from knowledge_base import KnowledgeBaseError

LEVELS = ("ministry", "province", "commune", "other")   # no district level since 1 July 2025
CHANNELS = ("direct", "online", "post")
ONLINE_LEVELS = ("full", "partial", "none")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.-]{1,47}$")   # official records: the national code
# Where a record's facts come from; the bot words each differently and never presents a
# drafted value as official.
PROVENANCES = ("official", "verified", "drafted")
NATIONAL_CODE_PATTERN = re.compile(r"^\d\.\d{6}(\.\d{6})?$")


class ValidationError(KnowledgeBaseError):
    """A record breaks the schema; `problems` lists (field, message) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {f}: {m}" for f, m in problems))


@dataclass(frozen=True)
class Method:
    """One way to submit: its channel, processing time and fee, as the record states them."""

    channel: str
    processing_time: str | None
    fee: str | None
    description: str | None = None


@dataclass(frozen=True)
class Document:
    name: str
    quantity: str | None = None
    form: str | None = None
    case: str | None = None      # the situation it applies to, when the record has several cases
    section: str | None = None   # "Giấy tờ phải nộp" / "Giấy tờ phải xuất trình", when the record says


@dataclass(frozen=True)
class Flag:
    """A value the import could not take as stated: staff check it against the source."""

    field: str
    reason: str
    detail: str


@dataclass(frozen=True)
class Procedure:
    id: str
    national_code: str | None
    name: str
    field: str
    levels: tuple[str, ...]
    agency: str | None
    where_to_submit: str | None
    applicants: str | None
    steps: tuple[str, ...] | None
    methods: tuple[Method, ...] | None
    documents: tuple[Document, ...] | None
    result: str | None
    legal_basis: tuple[str, ...] | None
    conditions: str | None
    online_level: str | None
    portal_url: str | None
    related: tuple[str, ...]
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    source: str
    last_checked: dt.date        # official: when the portal page was collected; else when last checked
    provenance: str              # official | verified | drafted
    notes: str | None = None
    decision: str | None = None  # the decision that published the record
    verified_by: str | None = None
    former_ids: tuple[str, ...] = ()             # ids of drafted records merged into this one
    flags: tuple[Flag, ...] = ()
    source_text: Mapping[str, str] = field(default_factory=dict)   # each imported field as the source wrote it

    kind = "procedure"

    @property
    def title(self) -> str:
        return self.name

    @property
    def verified(self) -> bool:
        return self.provenance == "verified"

    @property
    def cases(self) -> tuple[str, ...]:
        """The situations the documents depend on, in the record's order (none: one list)."""
        return tuple(dict.fromkeys(d.case for d in self.documents or () if d.case))

    def flags_for(self, prefix: str) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.field.startswith(prefix))

    def names(self) -> tuple[str, ...]:
        """What citizens call this procedure."""
        return (self.name, *self.aliases)

    def search_texts(self) -> tuple[str, ...]:
        """Texts that should find this record by their words."""
        return (*self.names(), *self.keywords, self.field)

    def body_text(self) -> str:
        """The record's other words, weighed lightly in lexical search."""
        parts = [self.applicants, self.result, self.conditions, *(d.name for d in self.documents or ())]
        return " . ".join(p for p in parts if p)

    def all_texts(self) -> tuple[str, ...]:
        """Every text of the record, for learning how Vietnamese is written."""
        return (*self.search_texts(), self.body_text(), *(self.steps or ()),
                *(x for x in (self.agency, self.where_to_submit, self.notes) if x))

    def description(self) -> str:
        """Who does it and what they get: a passage for semantic matching."""
        return ". ".join(x for x in (self.name, self.applicants, self.result) if x)


@dataclass(frozen=True)
class Faq:
    id: str
    questions: tuple[str, ...]
    answer: str
    related: tuple[str, ...]
    source: str
    last_checked: dt.date
    verified: bool
    keywords: tuple[str, ...] = field(default=())

    kind = "faq"

    @property
    def title(self) -> str:
        return self.questions[0]

    @property
    def provenance(self) -> str:
        return "verified" if self.verified else "drafted"

    def names(self) -> tuple[str, ...]:
        return self.questions

    def search_texts(self) -> tuple[str, ...]:
        return (*self.questions, *self.keywords)

    def body_text(self) -> str:
        return self.answer

    def all_texts(self) -> tuple[str, ...]:
        return (*self.search_texts(), self.answer)

    def description(self) -> str:
        return ""


Record = Procedure | Faq

PROCEDURE_FIELDS = {
    "id", "national_code", "name", "field", "levels", "agency", "where_to_submit",
    "applicants", "steps", "methods", "documents", "result", "legal_basis", "conditions",
    "online_level", "portal_url", "related", "aliases", "keywords", "source",
    "last_checked", "provenance", "notes", "decision", "verified_by", "former_ids", "flags", "source_text",
    "verified",  # older files: true/false instead of a provenance
}
FAQ_FIELDS = {"id", "questions", "answer", "related", "source", "last_checked", "verified", "keywords"}


class _Reader:
    """Reads typed fields from a raw mapping, collecting every problem instead of stopping."""

    def __init__(self, raw: Mapping[str, Any], allowed: set[str]):
        self.raw = raw
        self.problems: list[tuple[str, str]] = []
        for key in raw:
            if key not in allowed:
                self.problems.append((str(key), "unknown field"))

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.raw.get(name)
        if value is None:
            if required:
                self.problems.append((name, "required"))
            return None
        if not isinstance(value, str) or not value.strip():
            self.problems.append((name, "must be a non-empty text"))
            return None
        return value.strip()

    def texts(self, name: str, required: bool = False, nullable: bool = False) -> tuple[str, ...] | None:
        value = self.raw.get(name)
        if value is None:
            if required:
                self.problems.append((name, "required"))
            return None if nullable else ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problems.append((name, "must be a list of non-empty texts"))
            return None if nullable else ()
        return tuple(v.strip() for v in value)

    def choice(self, name: str, options: tuple[str, ...], required: bool = False) -> str | None:
        value = self.text(name, required)
        if value is not None and value not in options:
            self.problems.append((name, f"must be one of {', '.join(options)}"))
            return None
        return value

    def date(self, name: str) -> dt.date:
        value = self.raw.get(name)
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problems.append((name, "required, a date YYYY-MM-DD"))
        return dt.date.min

    def boolean(self, name: str) -> bool:
        value = self.raw.get(name)
        if not isinstance(value, bool):
            self.problems.append((name, "required, true or false"))
            return False
        return value

    def identifier(self) -> str:
        value = self.text("id", required=True) or ""
        if value and not ID_PATTERN.match(value):
            self.problems.append(("id", "lowercase letters, digits and '-', 2-48 characters"))
        return value


def _items(reader: _Reader, name: str, raw: list, keys: set[str], build: Callable[[_Reader], Any]) -> tuple:
    """Each mapping of a list field read by a reader of its own; its problems are reported as
    name[i].field."""
    items = []
    for i, item in enumerate(raw):
        sub = _Reader(item if isinstance(item, Mapping) else {}, keys)
        if not isinstance(item, Mapping):
            sub.problems.append(("", "must be a mapping"))
        items.append(build(sub))
        reader.problems += [(f"{name}[{i}].{f}".rstrip("."), m) for f, m in sub.problems]
    return tuple(items)


def _methods(reader: _Reader) -> tuple[Method, ...] | None:
    raw = reader.raw.get("methods")
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw:
        reader.problems.append(("methods", "must be a non-empty list or null"))
        return None
    return _items(reader, "methods", raw, {"channel", "processing_time", "fee", "description"}, lambda sub: Method(
        sub.choice("channel", CHANNELS, required=True) or "", sub.text("processing_time"), sub.text("fee"),
        sub.text("description")))


def _documents(reader: _Reader) -> tuple[Document, ...] | None:
    raw = reader.raw.get("documents")
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw:
        reader.problems.append(("documents", "must be a non-empty list or null"))
        return None
    return _items(reader, "documents", raw, {"name", "quantity", "form", "case", "section"}, lambda sub: Document(
        sub.text("name", required=True) or "", sub.text("quantity"), sub.text("form"), sub.text("case"),
        sub.text("section")))


def _flags(reader: _Reader) -> tuple[Flag, ...]:
    raw = reader.raw.get("flags")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.problems.append(("flags", "must be a list"))
        return ()
    return _items(reader, "flags", raw, {"field", "reason", "detail"}, lambda sub: Flag(
        sub.text("field", required=True) or "", sub.text("reason", required=True) or "", sub.text("detail") or ""))


def _source_text(reader: _Reader) -> dict[str, str]:
    raw = reader.raw.get("source_text")
    if raw is None:
        return {}
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        reader.problems.append(("source_text", "must map field names to texts"))
        return {}
    return {str(k): v for k, v in raw.items()}


def _provenance(reader: _Reader) -> str:
    if "provenance" not in reader.raw and isinstance(reader.raw.get("verified"), bool):
        return "verified" if reader.raw["verified"] else "drafted"   # an older file
    return reader.choice("provenance", PROVENANCES, required=True) or "drafted"


def parse_procedure(raw: Mapping[str, Any], source: str = "<procedure>") -> Procedure:
    """Build a Procedure from a raw mapping or raise ValidationError listing every problem."""
    if not isinstance(raw, Mapping):
        raise ValidationError(source, [("", "a record must be a mapping")])
    r = _Reader(raw, PROCEDURE_FIELDS)
    code = r.text("national_code")
    if code is not None and not NATIONAL_CODE_PATTERN.match(code):
        r.problems.append(("national_code", "national code like 1.001193"))
    levels = r.texts("levels", required=True) or ()
    for level in levels:
        if level not in LEVELS:
            r.problems.append(("levels", f"each must be one of {', '.join(LEVELS)} (no district level since 1 July 2025)"))
    portal = r.text("portal_url")
    if portal is not None and not portal.startswith("https://"):
        r.problems.append(("portal_url", "must be an https:// address"))
    procedure = Procedure(
        id=r.identifier(),
        national_code=code,
        name=r.text("name", required=True) or "",
        field=r.text("field", required=True) or "",
        levels=levels,
        agency=r.text("agency"),
        where_to_submit=r.text("where_to_submit"),
        applicants=r.text("applicants"),
        steps=r.texts("steps", nullable=True),
        methods=_methods(r),
        documents=_documents(r),
        result=r.text("result"),
        legal_basis=r.texts("legal_basis", nullable=True),
        conditions=r.text("conditions"),
        online_level=r.choice("online_level", ONLINE_LEVELS),
        portal_url=portal,
        related=r.texts("related") or (),
        aliases=r.texts("aliases") or (),
        keywords=r.texts("keywords") or (),
        source=r.text("source", required=True) or "",
        last_checked=r.date("last_checked"),
        provenance=_provenance(r),
        notes=r.text("notes"),
        decision=r.text("decision"),
        verified_by=r.text("verified_by"),
        former_ids=r.texts("former_ids") or (),
        flags=_flags(r),
        source_text=_source_text(r),
    )
    if procedure.provenance == "official" and not portal:
        r.problems.append(("portal_url", "an official record cites its portal page"))
    if r.problems:
        raise ValidationError(source, r.problems)
    return procedure


def parse_faq(raw: Mapping[str, Any], source: str = "<faq>") -> Faq:
    """Build a Faq from a raw mapping or raise ValidationError listing every problem."""
    if not isinstance(raw, Mapping):
        raise ValidationError(source, [("", "a record must be a mapping")])
    r = _Reader(raw, FAQ_FIELDS)
    faq = Faq(
        id=r.identifier(),
        questions=r.texts("questions", required=True) or (),
        answer=r.text("answer", required=True) or "",
        related=r.texts("related") or (),
        source=r.text("source", required=True) or "",
        last_checked=r.date("last_checked"),
        verified=r.boolean("verified"),
        keywords=r.texts("keywords") or (),
    )
    if r.problems:
        raise ValidationError(source, r.problems)
    return faq


def procedure_to_raw(p: Procedure) -> dict[str, Any]:
    """The inverse of parse_procedure: a plain mapping in the catalog's field order."""
    return {
        "id": p.id,
        "national_code": p.national_code,
        "name": p.name,
        "field": p.field,
        "levels": list(p.levels),
        "agency": p.agency,
        "where_to_submit": p.where_to_submit,
        "applicants": p.applicants,
        "steps": list(p.steps) if p.steps is not None else None,
        "methods": [_compact(vars(m)) for m in p.methods] if p.methods is not None else None,
        "documents": [_compact(vars(d)) for d in p.documents] if p.documents is not None else None,
        "result": p.result,
        "legal_basis": list(p.legal_basis) if p.legal_basis is not None else None,
        "conditions": p.conditions,
        "online_level": p.online_level,
        "portal_url": p.portal_url,
        "related": list(p.related),
        "aliases": list(p.aliases),
        "keywords": list(p.keywords),
        "former_ids": list(p.former_ids),
        "source": p.source,
        "last_checked": p.last_checked.isoformat(),
        "provenance": p.provenance,
        "verified_by": p.verified_by,
        "decision": p.decision,
        "notes": p.notes,
        "flags": [vars(f).copy() for f in p.flags],
        "source_text": dict(p.source_text),
    }


def _compact(values: Mapping[str, Any]) -> dict[str, Any]:
    """A part's fields without the empty optional ones, so drafted files stay short."""
    return {k: v for k, v in values.items() if v is not None or k in ("processing_time", "fee")}


def faq_to_raw(f: Faq) -> dict[str, Any]:
    return {
        "id": f.id,
        "questions": list(f.questions),
        "answer": f.answer,
        "related": list(f.related),
        "keywords": list(f.keywords),
        "source": f.source,
        "last_checked": f.last_checked.isoformat(),
        "verified": f.verified,
    }
