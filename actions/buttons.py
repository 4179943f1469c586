"""Buttons under an answer: short titles for a phone, payloads that carry the record they are for."""
from __future__ import annotations

import json

from actions.procedure_text import short_name
from knowledge_base.schema import Record

BUTTON_TITLE = 40    # characters: what a phone shows on one button


def choose_payload(record_id: str) -> str:
    return '/choose_procedure{"procedure_id":"%s"}' % record_id


def with_entities(intent_payload: str, **entities: str) -> str:
    return intent_payload + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def record_buttons(records: list[Record]) -> list[dict[str, str]]:
    """One button per record, opening its answer."""
    return [{"title": short_name(record.title, BUTTON_TITLE), "payload": choose_payload(record.id)}
            for record in records]
