"""The words of a dossier's status and of a late dossier's apology, for the chat answer
(actions/dossier.py) and the notification (notifications/render.py) alike. `say` fills one of the
domain's responses (bot/domain/dossier.yml) with values."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Sequence

from dossiers.model import Status

Say = Callable[..., str]       # (response name, **values) -> its text


def vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def status_text(say: Say, status: Status, note: str | None, missing_documents: Sequence[str],
                supplement_place: str | None, collection_method: str | None, collection_place: str | None) -> str:
    """The status and what to do next: the documents to add and where, or how to collect the result."""
    unknown = say("utter_dossier_value_unknown")
    values = {"note": note or unknown}
    if status is Status.SUPPLEMENT_REQUESTED:
        values = {"documents": "\n".join(f"  – {d}" for d in missing_documents) or unknown,
                  "place": supplement_place or unknown}
    elif status is Status.PROCESSED:
        values = {"method": collection_method or unknown, "place": collection_place or unknown}
    return say(f"utter_dossier_status_{status.value}", **values)


def apology(say: Say, letter: str | None, new_due: dt.date | None, unit: str) -> tuple[str, dict[str, Any]]:
    """(response, values) for a late dossier: the apology letter and new date staff gave, or that
    the handling unit owes them."""
    if letter or new_due:
        unknown = say("utter_dossier_value_unknown")
        return "utter_dossier_apology", {"letter": letter or unknown, "new_due": vn_date(new_due) if new_due else unknown}
    return "utter_dossier_apology_pending", {"unit": unit}
