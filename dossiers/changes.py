"""What a follower is told about a dossier change: the snapshot the notification outbox keeps.

A snapshot has the status and what to do next (documents, fee note, where to collect, the
apology and new date of a late dossier), never the applicant's name or numbers. Both stores
make one from what they hold, so the SQL store (in the transaction of the change) and the
one-stop-shop poller (notifications/poller.py) record the same thing.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from dossiers.model import Dossier

FIELDS = ("procedure_name", "status", "status_note", "handling_unit", "due_on", "missing_documents",
          "supplement_place", "apology_letter", "new_due_on", "collection_method", "collection_place")
LATE_FIELDS = ("apology_letter", "new_due_on")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return list(value)
    return getattr(value, "value", value)          # a Status as its slug


def snapshot(get: Callable[[str], Any]) -> dict[str, Any]:
    """The snapshot from a getter of the dossier's fields (a row's attributes, a dict's values)."""
    return {name: _plain(get(name)) for name in FIELDS}


def of_dossier(dossier: Dossier) -> dict[str, Any]:
    return snapshot(lambda name: dossier.status if name == "status" else getattr(dossier, name))


def change_kind(before: dict[str, Any] | None, after: dict[str, Any]) -> str | None:
    """"status" when the status changed, "late" when staff gave a (new) apology or appointment date,
    None when nothing a follower is told about changed (or the dossier is new)."""
    if before is None:
        return None
    if before["status"] != after["status"]:
        return "status"
    if any(before[name] != after[name] for name in LATE_FIELDS) and any(after[name] for name in LATE_FIELDS):
        return "late"
    return None

