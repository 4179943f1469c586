"""Conversations are served from memory and survive a restart through the SQLite file."""
import asyncio
import sqlite3

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import SQLiteTrackerStore

DOMAIN = Domain.from_yaml("slots:\n  procedure_id:\n    type: text\n    mappings:\n    - type: custom\n")


def conversation(sender: str, text: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(UserUttered(text))
    tracker.update(SlotSet("procedure_id", "ht-khai-sinh"))
    return tracker


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "var" / "tracker.db")


def test_a_saved_conversation_comes_back_with_its_events_and_slots(db):
    store = SQLiteTrackerStore(DOMAIN, db=db)
    run(store.save(conversation("citizen-1", "đăng ký khai sinh")))
    tracker = run(store.retrieve("citizen-1"))
    assert tracker.latest_message.text == "đăng ký khai sinh"
    assert tracker.get_slot("procedure_id") == "ht-khai-sinh"
    assert run(store.retrieve("nobody")) is None


def test_a_restarted_store_reads_conversations_back_from_the_file(db):
    run(SQLiteTrackerStore(DOMAIN, db=db).save(conversation("citizen-1", "đăng ký kết hôn")))
    restarted = SQLiteTrackerStore(DOMAIN, db=db)
    assert restarted.store == {}
    assert run(restarted.retrieve("citizen-1")).latest_message.text == "đăng ký kết hôn"
    assert list(run(restarted.keys())) == ["citizen-1"]


def test_the_cache_keeps_only_the_most_recent_conversations_and_loses_none(db):
    store = SQLiteTrackerStore(DOMAIN, db=db, cache_size=2)
    for n in range(3):
        run(store.save(conversation(f"citizen-{n}", f"câu hỏi {n}")))
    assert list(store.store) == ["citizen-1", "citizen-2"]
    assert run(store.retrieve("citizen-0")).latest_message.text == "câu hỏi 0"   # read back from the file
    assert list(store.store) == ["citizen-2", "citizen-0"]
    assert sorted(run(store.keys())) == ["citizen-0", "citizen-1", "citizen-2"]


def test_a_later_save_replaces_the_conversation_row(db):
    store = SQLiteTrackerStore(DOMAIN, db=db)
    tracker = conversation("citizen-1", "đăng ký khai sinh")
    run(store.save(tracker))
    tracker.update(UserUttered("thế lệ phí bao nhiêu?"))
    run(store.save(tracker))
    rows = sqlite3.connect(db).execute("SELECT sender_id FROM conversations").fetchall()
    assert rows == [("citizen-1",)]
    restarted = SQLiteTrackerStore(DOMAIN, db=db)
    assert run(restarted.retrieve("citizen-1")).latest_message.text == "thế lệ phí bao nhiêu?"
