"""What a stored conversation keeps: Rasa's events with personal data taken out (privacy.mask).

Applied to every conversation the tracker store saves, in memory and on disk, after the message
has been handled (the look-up has already used what the citizen typed):
- user and bot texts, the parsed text, entity values, channel metadata and the responses'
  variables are masked;
- the 4 check digits are never kept: the slot's value, and wherever the citizen typed them;
- the dossier code is kept only while it is the slot's current value (a look-up in progress);
- after "xóa dữ liệu của tôi" (the action ACTION_FORGET), nothing before it is kept.
"""
from __future__ import annotations

import re
from typing import Any

from privacy import MASK, mask, mask_reply_to_check_digits

ACTION_FORGET = "action_delete_my_data"
SECRET_SLOTS = ("dossier_check_digits",)
PASSING_SLOTS = ("dossier_code",)
RASA_IDS = ("model_id", "assistant_id", "utter_action", "template")   # metadata Rasa itself reads, never personal


def minimised(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    events = [dict(event) for event in _after_last_forget(events)]
    secrets = _secret_values(events)
    current = {e.get("name"): i for i, e in enumerate(events) if e.get("event") == "slot"}
    for i, event in enumerate(events):
        kind = event.get("event")
        if kind == "user":
            event["text"] = _clean(event.get("text"), secrets, reply=True)
            parse = dict(event.get("parse_data") or {})
            if parse:
                parse["text"] = _clean(parse.get("text"), secrets, reply=True)
                parse["entities"] = [{**e, "value": _clean(str(e.get("value")), secrets)} if "value" in e else e
                                     for e in parse.get("entities") or []]
                event["parse_data"] = parse
            if event.get("metadata"):
                event["metadata"] = _masked_values(event["metadata"], secrets)
        elif kind == "bot":
            if event.get("text"):
                event["text"] = _clean(event["text"], secrets)
            for part in ("metadata", "data"):        # the response's variables (a dossier's code among them)
                if event.get(part):
                    event[part] = _masked_values(event[part], secrets)
        elif kind == "slot" and event.get("value") is not None:
            name = event.get("name")
            if name in SECRET_SLOTS or (name in PASSING_SLOTS and current.get(name) != i):
                event["value"] = MASK
    return events


def _after_last_forget(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("event") == "action" and events[i].get("name") == ACTION_FORGET:
            return events[i + 1:]
    return events


def _secret_values(events: list[dict[str, Any]]) -> list[re.Pattern[str]]:
    """The check digits given in this conversation, as patterns that allow spaces between digits."""
    values = {str(e["value"]) for e in events if e.get("event") == "slot" and e.get("name") in SECRET_SLOTS
              and e.get("value") not in (None, MASK)}
    return [re.compile(r"\s?".join(map(re.escape, value))) for value in values if value]


def _clean(text: str | None, secrets: list[re.Pattern[str]], reply: bool = False) -> str | None:
    if not text:
        return text
    for secret in secrets:
        text = secret.sub(MASK, text)
    return mask_reply_to_check_digits(text) if reply else mask(text)


def _masked_values(value: Any, secrets: list[re.Pattern[str]]) -> Any:
    if isinstance(value, str):
        return _clean(value, secrets)
    if isinstance(value, dict):
        return {key: item if key in RASA_IDS else _masked_values(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked_values(item, secrets) for item in value]
    return value
