"""Loading, checking and writing the catalog: one YAML file per record."""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# libyaml's parser: the official catalog is ~3,000 files, which pure-Python YAML reads in a minute.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

from knowledge_base.schema import (
    Faq, Procedure, Record, ValidationError, faq_to_raw, parse_faq, parse_procedure, procedure_to_raw,
)

PROCEDURES_DIR = "procedures"
FAQS_DIR = "faqs"


@dataclass(frozen=True)
class Catalog:
    procedures: tuple[Procedure, ...]
    faqs: tuple[Faq, ...]
    fingerprint: str

    @property
    def records(self) -> tuple[Record, ...]:
        return (*self.procedures, *self.faqs)

    def get(self, record_id: str) -> Record | None:
        return next((r for r in self.records if r.id == record_id), None)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as error:
        raise ValidationError(str(path), [("", f"not valid YAML: {error}")]) from error


def _files(root: Path, sub: str) -> list[Path]:
    folder = root / sub
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def fingerprint_of(root: Path) -> str:
    """A hash of every catalog file's name and bytes: it changes exactly when the catalog does."""
    digest = hashlib.sha256()
    for sub in (PROCEDURES_DIR, FAQS_DIR):
        for path in _files(root, sub):
            digest.update(f"{sub}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def load_catalog(root: Path) -> Catalog:
    """Load and check every record; raise one ValidationError naming each bad file and field."""
    problems: list[ValidationError] = []
    procedures: list[Procedure] = []
    faqs: list[Faq] = []
    for parse, sub, sink in ((parse_procedure, PROCEDURES_DIR, procedures), (parse_faq, FAQS_DIR, faqs)):
        for path in _files(root, sub):
            try:
                record = parse(_read_yaml(path), str(path))
            except ValidationError as error:
                problems.append(error)
                continue
            if record.id != path.stem:
                problems.append(ValidationError(str(path), [("id", f"must match the file name '{path.stem}'")]))
            sink.append(record)
    catalog = Catalog(tuple(procedures), tuple(faqs), fingerprint_of(root))
    problems += _cross_check(catalog)
    if problems:
        raise ValidationError(str(root), [(f"{e.source}: {f}", m) for e in problems for f, m in e.problems])
    return catalog


def _cross_check(catalog: Catalog) -> list[ValidationError]:
    seen: dict[str, str] = {}
    problems = []
    procedure_ids = {p.id for p in catalog.procedures}
    for record in catalog.records:
        if record.id in seen:
            problems.append(ValidationError(record.id, [("id", f"used by both a {seen[record.id]} and a {record.kind}")]))
        seen[record.id] = record.kind
        for other in record.related:
            if other not in procedure_ids:
                problems.append(ValidationError(record.id, [("related", f"no procedure with id '{other}'")]))
    return problems


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def record_path(root: Path, record: Record) -> Path:
    return root / (PROCEDURES_DIR if isinstance(record, Procedure) else FAQS_DIR) / f"{record.id}.yaml"


def write_record(root: Path, record: Record) -> Path:
    """Write one record to its file, replacing any previous version atomically."""
    path = record_path(root, record)
    _write_atomically(path, procedure_to_raw(record) if isinstance(record, Procedure) else faq_to_raw(record))
    return path


def remove_record(root: Path, record: Record) -> None:
    record_path(root, record).unlink()


def apply_changes(root: Path, writes: list[Record], removals: list[Record] = ()) -> None:
    """Write and remove records all or nothing: the catalog as a whole must still validate
    afterwards, or every file is put back as it was."""
    touched = {record_path(root, r) for r in (*writes, *removals)}
    previous = {path: path.read_bytes() if path.exists() else None for path in touched}
    try:
        for record in writes:
            write_record(root, record)
        for record in removals:
            remove_record(root, record)
        load_catalog(root)
    except BaseException:
        for path, content in previous.items():
            path.unlink(missing_ok=True) if content is None else path.write_bytes(content)
        raise
