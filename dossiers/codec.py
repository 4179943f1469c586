"""A dossier as JSON: the contract of the one-stop-shop system's API (docs/dossier-api.md)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from dossiers.model import Applicant, Dossier, Status, StatusChange


def to_json(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "procedure": {"name": dossier.procedure_name, "id": dossier.procedure_id},
        "applicant": {"name": dossier.applicant.name, "phone_masked": dossier.applicant.phone_masked,
                      "id_number_masked": dossier.applicant.id_number_masked},
        "received_on": dossier.received_on.isoformat(),
        "due_on": dossier.due_on.isoformat(),
        "status": dossier.status.value,
        "status_note": dossier.status_note,
        "handling_unit": dossier.handling_unit,
        "history": [{"status": c.status.value, "at": c.at.isoformat(), "note": c.note} for c in dossier.history],
        "missing_documents": list(dossier.missing_documents),
        "supplement_place": dossier.supplement_place,
        "apology_letter": dossier.apology_letter,
        "new_due_on": dossier.new_due_on.isoformat() if dossier.new_due_on else None,
        "collection_method": dossier.collection_method,
        "collection_place": dossier.collection_place,
    }


def from_json(data: dict[str, Any]) -> Dossier:
    """A dossier from its JSON form; KeyError/ValueError/TypeError when it does not follow the contract."""
    procedure, applicant = data["procedure"], data["applicant"]
    return Dossier(
        code=_text(data["code"]),
        procedure_name=_text(procedure["name"]),
        procedure_id=_optional(procedure.get("id")),
        applicant=Applicant(_text(applicant["name"]), _optional(applicant.get("phone_masked")),
                            _optional(applicant.get("id_number_masked"))),
        received_on=dt.date.fromisoformat(data["received_on"]),
        due_on=dt.date.fromisoformat(data["due_on"]),
        status=Status(data["status"]),
        status_note=_optional(data.get("status_note")),
        handling_unit=_text(data["handling_unit"]),
        history=tuple(_change(c) for c in data.get("history") or ()),
        missing_documents=tuple(_text(d) for d in data.get("missing_documents") or ()),
        supplement_place=_optional(data.get("supplement_place")),
        apology_letter=_optional(data.get("apology_letter")),
        new_due_on=dt.date.fromisoformat(data["new_due_on"]) if data.get("new_due_on") else None,
        collection_method=_optional(data.get("collection_method")),
        collection_place=_optional(data.get("collection_place")),
    )


def _change(data: dict[str, Any]) -> StatusChange:
    at = dt.datetime.fromisoformat(data["at"])
    if at.tzinfo is None:
        raise ValueError("history timestamps need a UTC offset")
    return StatusChange(Status(data["status"]), at, _optional(data.get("note")))


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value.strip()


def _optional(value: Any) -> str | None:
    return _text(value) if value not in (None, "") else None
