"""Actions run offline: a small real index, a real SQLite file, the real domain; no servers."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict:
    merged: dict = {"responses": {}}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        merged["responses"].update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses", {}))
    return merged


@pytest.fixture(autouse=True)
def installed(small_kb, app_db):
    knowledge.use_knowledge_base(small_kb)
    yield app_db
    knowledge.use_knowledge_base(None)


def tracker(text: str, intent: str, slots: dict | None = None, entities: list | None = None,
            events: list | None = None, channel: str = "rest") -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return Tracker("citizen-1", slots or {}, message, events or [{"event": "user", "text": text,
                   "parse_data": message, "input_channel": channel}], False, None, {}, channel)


def run(action, domain, **kwargs) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker(**kwargs), domain)
    return dispatcher.messages, events
