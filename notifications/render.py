"""A notification's text and buttons, from a change's snapshot, in the wording of the domain
(bot/domain/notifications.yml, and the dossier answer's status texts in bot/domain/dossier.yml)."""
from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

import yaml

from dossiers import wording
from dossiers.codes import masked_code
from dossiers.model import Status
from envconfig import ROOT

DOMAIN = ROOT / "bot" / "domain"


@functools.cache
def _responses() -> dict[str, str]:
    texts = {}
    for name in ("dossier.yml", "notifications.yml"):
        data = yaml.safe_load((DOMAIN / name).read_text(encoding="utf-8"))
        texts.update({key: value[0]["text"] for key, value in data["responses"].items()})
    return texts


def phrase(name: str, **values: Any) -> str:
    return _responses()[name].format(**values)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def status_text(snap: dict[str, Any]) -> str:
    return wording.status_text(phrase, Status(snap["status"]), snap.get("status_note"),
                               snap.get("missing_documents") or (), snap.get("supplement_place"),
                               snap.get("collection_method"), snap.get("collection_place"))


def late(snap: dict[str, Any], today: dt.date) -> bool:
    return Status(snap["status"]).in_progress and today > dt.date.fromisoformat(snap["due_on"])


def text(code: str, kind: str, snap: dict[str, Any], today: dt.date, final: bool) -> str:
    """`kind`: "status" (a new status) or "late" (staff gave the apology or a new date)."""
    parts = [phrase("utter_notification", code=masked_code(code), procedure=snap["procedure_name"],
                    label=phrase(f"utter_notification_label_{kind}"), status=status_text(snap))]
    if late(snap, today):
        response, values = wording.apology(phrase, snap.get("apology_letter"), _date(snap.get("new_due_on")),
                                           snap["handling_unit"])
        parts.append(phrase(response, **values))
    parts.append(phrase("utter_notification_final" if final else "utter_notification_how_to_stop"))
    return "\n\n".join(parts)


def buttons(public_id: str, final: bool) -> list[dict[str, str]]:
    listing = {"title": phrase("utter_notification_button_list"), "payload": "/list_subscriptions"}
    if final:
        return [listing]
    return [{"title": phrase("utter_notification_button_stop"),
             "payload": "/unsubscribe_dossier" + json.dumps({"watch_id": public_id})}, listing]
