"""Reading dossiers from a staff file (CSV or JSON; columns in docs/dossier-import.md).

Every row is checked before anything is written; the full phone and ID numbers are reduced
here to a masked form and their last 4 digits (hashed by the store), and go no further.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any, Callable

from dossiers import DossierImportError, InvalidDossierCode
from dossiers.checks import CHECK_LENGTH, CheckDigits, digits_of_id_number, digits_of_phone, masked
from dossiers.codes import normalize_code, received_date
from dossiers.model import VIETNAM, Applicant, Dossier, DossierUpdate, Status, StatusChange
from knowledge_base.text import fold

COLUMNS = ("code", "procedure_name", "procedure_id", "applicant_name", "applicant_phone", "applicant_id_number",
           "received_on", "due_on", "status", "status_at", "status_note", "handling_unit", "missing_documents",
           "supplement_place", "apology_letter", "new_due_on", "collection_method", "collection_place", "history")
LIST_SEPARATOR = ";"          # CSV cells holding several items (missing_documents, history)
MAX_FIELD = 2000


def read_file(path: Path) -> list[DossierUpdate]:
    """The updates in a .csv or .json file; DossierImportError lists every problem (nothing is half-read)."""
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DossierImportError([f"{path}: cannot be read as UTF-8 text ({error})"]) from error
    if suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
    elif suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise DossierImportError([f"{path}: not valid JSON ({error})"]) from error
        rows = data.get("dossiers") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise DossierImportError([f"{path}: expected a list of dossiers, or {{\"dossiers\": [...]}}"])
    else:
        raise DossierImportError([f"{path}: only .csv and .json files can be imported"])
    return parse_rows(rows)


def parse_rows(rows: list[dict[str, Any]]) -> list[DossierUpdate]:
    updates, problems, seen = [], [], set()
    for number, row in enumerate(rows, start=1):
        try:
            update = parse_row(row)
        except RowProblem as problem:
            problems.append(f"row {number}: {problem}")
            continue
        if update.dossier.code in seen:
            problems.append(f"row {number}: code: appears twice in the file")
        seen.add(update.dossier.code)
        updates.append(update)
    if problems:
        raise DossierImportError(problems)
    return updates


class RowProblem(Exception):
    pass


def parse_row(row: dict[str, Any]) -> DossierUpdate:
    unknown = sorted(set(row) - set(COLUMNS) - {None})
    if unknown:
        raise RowProblem(f"unknown column(s) {', '.join(map(str, unknown))}")
    value = _Fields(row)
    code = value.get("code", normalize_code)
    phone = value.get("applicant_phone", digits_of_phone, required=False)
    id_number = value.get("applicant_id_number", digits_of_id_number, required=False)
    history = value.get("history", parse_history, required=False)
    status = value.get("status", parse_status)
    dossier = Dossier(
        code=code,
        procedure_name=value.text("procedure_name"),
        procedure_id=value.text("procedure_id", required=False),
        applicant=Applicant(value.text("applicant_name"), masked(phone) if phone else None,
                            masked(id_number) if id_number else None),
        received_on=value.get("received_on", parse_date, required=False) or received_date(code),
        due_on=value.get("due_on", parse_date),
        status=status,
        status_note=value.text("status_note", required=False),
        handling_unit=value.text("handling_unit"),
        history=history or (),
        missing_documents=value.get("missing_documents", parse_list, required=False) or (),
        supplement_place=value.text("supplement_place", required=False),
        apology_letter=value.text("apology_letter", required=False),
        new_due_on=value.get("new_due_on", parse_date, required=False),
        collection_method=value.text("collection_method", required=False),
        collection_place=value.text("collection_place", required=False),
    )
    if dossier.due_on < dossier.received_on:
        raise RowProblem("due_on: before the received date")
    if history and history[-1].status != status:
        raise RowProblem("history: its last entry must be the current status")
    return DossierUpdate(
        dossier=dossier,
        check=CheckDigits(phone[-CHECK_LENGTH:] if phone else None, id_number[-CHECK_LENGTH:] if id_number else None),
        replace_history=history is not None,
        status_at=value.get("status_at", parse_datetime, required=False),
    )


class _Fields:
    """Reads one row's cells, turning any problem into a RowProblem naming the column."""

    def __init__(self, row: dict[str, Any]):
        self.row = row

    def get(self, name: str, parse: Callable[[Any], Any], required: bool = True) -> Any:
        raw = self.row.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
            if required:
                raise RowProblem(f"{name}: required")
            return None
        if isinstance(raw, int) and not isinstance(raw, bool):     # JSON numbers: a status number, a phone…
            raw = str(raw)
        if isinstance(raw, str) and len(raw) > MAX_FIELD:
            raise RowProblem(f"{name}: longer than {MAX_FIELD} characters")
        try:
            return parse(raw.strip() if isinstance(raw, str) else raw)
        except (ValueError, TypeError, KeyError, InvalidDossierCode) as error:
            raise RowProblem(f"{name}: {error}") from None
        except AttributeError:
            raise RowProblem(f"{name}: unexpected value (see docs/dossier-import.md)") from None

    def text(self, name: str, required: bool = True) -> str | None:
        return self.get(name, _text, required)


def _text(value: Any) -> str:
    if not isinstance(value, (str, int)):
        raise TypeError("expected text")
    return str(value).strip()


_ALIASES = {"yêu cầu bổ sung": Status.SUPPLEMENT_REQUESTED, "công dân rút hồ sơ": Status.WITHDRAWN,
            "rút hồ sơ": Status.WITHDRAWN}
_STATUS_NAMES = {**{s.value: s for s in Status}, **{str(s.number): s for s in Status},
                 **{fold(s.label): s for s in Status}, **{fold(name): s for name, s in _ALIASES.items()}}


def parse_status(value: Any) -> Status:
    """A status by slug ('processing'), portal number (1–10) or portal name, with or without diacritics."""
    status = _STATUS_NAMES.get(fold(str(value)))
    if status is None:
        raise ValueError(f"unknown status {str(value)[:40]!r} (see docs/dossier-import.md)")
    return status


def parse_date(value: Any) -> dt.date:
    """YYYY-MM-DD or DD/MM/YYYY."""
    text = str(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    raise ValueError(f"not a date (YYYY-MM-DD or DD/MM/YYYY): {text[:20]!r}")


def parse_datetime(value: Any) -> dt.datetime:
    """ISO 8601 ('2024-01-15T08:30', '2024-01-15 08:30:00+07:00'); without an offset it is Vietnam time."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"not a date and time (YYYY-MM-DD HH:MM): {str(value)[:30]!r}") from None
    return moment.replace(tzinfo=VIETNAM) if moment.tzinfo is None else moment


def parse_list(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else str(value).split(LIST_SEPARATOR)
    return tuple(" ".join(str(item).split()) for item in items if str(item).strip())


def parse_history(value: Any) -> tuple[StatusChange, ...]:
    """JSON: [{"status", "at", "note"?}, …]; CSV: 'YYYY-MM-DD HH:MM=status; …'. Sorted by time."""
    if isinstance(value, list):
        if not all(isinstance(e, dict) and "at" in e and "status" in e for e in value):
            raise ValueError('each entry is {"status": …, "at": …, "note": …}')
        entries = [(e["at"], e["status"], e.get("note")) for e in value]
    else:
        entries = []
        for item in parse_list(value):
            at, sep, status = item.partition("=")
            if not sep:
                raise ValueError(f"expected 'YYYY-MM-DD HH:MM=status', got {item[:40]!r}")
            entries.append((at.strip(), status.strip(), None))
    changes = [StatusChange(parse_status(status), parse_datetime(at), note or None) for at, status, note in entries]
    return tuple(sorted(changes, key=lambda c: c.at))
