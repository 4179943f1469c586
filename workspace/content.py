"""The catalog as the workspace sees it: loaded once, reloaded when its files change on disk (an
import, a command-line edit), filtered for the record list; records as raw mappings (what their
YAML file holds) and back, with the catalog schema's validation."""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from knowledge_base.catalog import FAQS_DIR, PROCEDURES_DIR, Catalog, fingerprint_of, load_catalog
from knowledge_base.schema import (
    LEVELS, Faq, Procedure, Record, ValidationError, faq_to_raw, parse_faq, parse_procedure, procedure_to_raw,
)
from knowledge_base.text import fold

LEVEL_NAMES = {"ministry": "cấp bộ", "province": "cấp thành phố", "commune": "cấp xã, phường", "other": "khác"}
PROVENANCE_NAMES = {"official": "chính thức", "verified": "đã xác minh", "drafted": "soạn thảo, chưa xác minh"}


def to_raw(record: Record) -> dict[str, Any]:
    return procedure_to_raw(record) if isinstance(record, Procedure) else faq_to_raw(record)


def parse(kind: str, raw: dict[str, Any]) -> Record:
    """The record a raw mapping describes, or ValidationError with each problem (the catalog's schema)."""
    return parse_procedure(raw, "hồ sơ") if kind == "procedure" else parse_faq(raw, "câu hỏi thường gặp")


def kind_of(record: Record) -> str:
    return "procedure" if isinstance(record, Procedure) else "faq"


@dataclass(frozen=True)
class Filters:
    query: str = ""
    field: str = ""
    level: str = ""
    provenance: str = ""
    flagged: str = ""            # "" | "yes" | "no"
    kind: str = ""               # "" | "procedure" | "faq"
    checked_before: str = ""     # YYYY-MM-DD: last checked before this date


class CatalogCache:
    """The process's copy of the catalog; `replace_record` after the workspace itself wrote a file."""

    def __init__(self, root: Path):
        self.root = root
        self._lock = threading.Lock()
        self._catalog: Catalog | None = None
        self._stamp: tuple[float, ...] = ()
        self._folded: dict[str, str] = {}          # record id -> its code and names, folded (search)

    def _disk_stamp(self) -> tuple[float, ...]:
        return tuple((self.root / sub).stat().st_mtime for sub in (PROCEDURES_DIR, FAQS_DIR)
                     if (self.root / sub).is_dir())

    def catalog(self) -> Catalog:
        stamp = self._disk_stamp()
        with self._lock:
            if self._catalog is None or stamp != self._stamp:
                self._catalog, self._stamp, self._folded = load_catalog(self.root), stamp, {}
            return self._catalog

    def _folded_names(self, record: Record) -> str:
        text = self._folded.get(record.id)
        if text is None:
            text = self._folded[record.id] = fold(" ".join((record.id, getattr(record, "national_code", None) or "",
                                                            *record.names())))
        return text

    def replace_record(self, record: Record) -> Catalog:
        """The catalog with one record written by us (file already on disk), without re-reading the rest."""
        with self._lock:
            catalog = self._catalog or load_catalog(self.root)
            if isinstance(record, Procedure):
                procedures = _replaced(catalog.procedures, record)
                catalog = replace(catalog, procedures=procedures)
            else:
                catalog = replace(catalog, faqs=_replaced(catalog.faqs, record))
            self._catalog = replace(catalog, fingerprint=fingerprint_of(self.root))
            self._stamp = self._disk_stamp()
            self._folded.pop(record.id, None)
            return self._catalog

    def check_links(self, record: Record) -> None:
        """The cross-record checks of load_catalog for one record: its related procedures exist."""
        ids = {p.id for p in self.catalog().procedures}
        missing = [r for r in record.related if r not in ids]
        if missing:
            raise ValidationError(record.id, [("related", f"không có thủ tục mã '{m}'") for m in missing])

    def fields(self) -> list[str]:
        return sorted({p.field for p in self.catalog().procedures})

    def find(self, filters: Filters) -> list[Record]:
        words = fold(filters.query).split()
        found = []
        for record in self.catalog().records:
            procedure = record if isinstance(record, Procedure) else None
            if filters.kind and kind_of(record) != filters.kind:
                continue
            if filters.field and (procedure is None or procedure.field != filters.field):
                continue
            if filters.level and (procedure is None or filters.level not in procedure.levels):
                continue
            if filters.provenance and record.provenance != filters.provenance:
                continue
            if filters.flagged and (bool(procedure and procedure.flags) != (filters.flagged == "yes")):
                continue
            if filters.checked_before and record.last_checked.isoformat() >= filters.checked_before:
                continue
            if words and not all(w in self._folded_names(record) for w in words):
                continue
            found.append(record)
        return found


def _replaced(records: tuple, record: Record) -> tuple:
    kept = [r for r in records if r.id != record.id]
    return tuple(sorted((*kept, record), key=lambda r: r.id))


__all__ = ["CatalogCache", "Filters", "LEVELS", "LEVEL_NAMES", "PROVENANCE_NAMES", "Faq", "Procedure",
           "ValidationError", "kind_of", "parse", "to_raw"]
