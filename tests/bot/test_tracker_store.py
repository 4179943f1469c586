"""Conversations are served from memory and survive a restart through the SQLite file."""
import asyncio
import sqlite3
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
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


def lookup_conversation(sender: str) -> DialogueStateTracker:
    """A dossier look-up as the form runs it: the code, then the 4 digits, then the answer."""
    code = "000.00.53.H26-240115-0012"
    tracker = DialogueStateTracker(sender, LOOKUP_DOMAIN.slots)
    tracker.update(UserUttered(f"tra cứu hồ sơ {code}, sđt em 0912345678"))
    tracker.update(SlotSet("dossier_code", code))
    tracker.update(UserUttered("5 6 7 8"))
    tracker.update(SlotSet("dossier_check_digits", "5678"))
    tracker.update(BotUttered(f"Hồ sơ {code}: đang xử lý"))
    tracker.update(SlotSet("dossier_code", None))
    tracker.update(SlotSet("dossier_check_digits", None))
    tracker.update(UserUttered("số cccd của tôi là 001099012345, làm lại ở đâu"))
    return tracker


LOOKUP_DOMAIN = Domain.from_yaml("slots:\n" + "".join(
    f"  {name}:\n    type: text\n    mappings:\n    - type: custom\n"
    for name in ("procedure_id", "dossier_code", "dossier_check_digits")))
PERSONAL = ("0012", "5678", "5 6 7 8", "0912345678", "001099012345")


def test_what_is_kept_holds_no_personal_number_in_memory_or_in_the_file(db):
    store = SQLiteTrackerStore(LOOKUP_DOMAIN, db=db)
    run(store.save(lookup_conversation("citizen-1")))
    with sqlite3.connect(db) as connection:
        (stored,) = connection.execute("SELECT tracker FROM conversations").fetchone()
    for kept in (stored, store.store["citizen-1"]):
        assert not [number for number in PERSONAL if number in kept]
    tracker = run(store.retrieve("citizen-1"))
    assert tracker.latest_message.text == "số cccd của tôi là ***, làm lại ở đâu"
    assert tracker.get_slot("dossier_code") is None


def test_a_look_up_in_progress_keeps_its_code_until_the_digits_come(db):
    store = SQLiteTrackerStore(LOOKUP_DOMAIN, db=db)
    tracker = DialogueStateTracker("citizen-1", LOOKUP_DOMAIN.slots)
    tracker.update(UserUttered("000.00.53.H26-240115-0012"))
    tracker.update(SlotSet("dossier_code", "000.00.53.H26-240115-0012"))
    run(store.save(tracker))
    restored = run(SQLiteTrackerStore(LOOKUP_DOMAIN, db=db).retrieve("citizen-1"))
    assert restored.get_slot("dossier_code") == "000.00.53.H26-240115-0012"      # the form still needs it
    assert "240115" not in restored.latest_message.text


def test_a_file_written_before_minimising_is_minimised_when_opened(db):
    import json
    from pathlib import Path

    Path(db).parent.mkdir(parents=True)
    raw = json.dumps(lookup_conversation("citizen-1").as_dialogue().as_dict())
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE conversations (sender_id TEXT PRIMARY KEY, tracker TEXT NOT NULL, "
                           "updated_at REAL NOT NULL)")
        connection.execute("INSERT INTO conversations VALUES ('citizen-1', ?, ?)", (raw, time.time()))
    SQLiteTrackerStore(LOOKUP_DOMAIN, db=db)
    with sqlite3.connect(db) as connection:
        (stored,) = connection.execute("SELECT tracker FROM conversations").fetchone()
        assert connection.execute("PRAGMA user_version").fetchone() == (1,)
    assert "5678" in raw and not [number for number in PERSONAL if number in stored]


def test_after_delete_my_data_nothing_before_it_is_kept(db):
    store = SQLiteTrackerStore(LOOKUP_DOMAIN, db=db)
    tracker = lookup_conversation("citizen-1")
    tracker.update(ActionExecuted("action_delete_my_data"))
    tracker.update(BotUttered("Đã xóa dữ liệu của cuộc trò chuyện này."))
    run(store.save(tracker))
    restored = run(SQLiteTrackerStore(LOOKUP_DOMAIN, db=db).retrieve("citizen-1"))
    assert [e.as_dict()["event"] for e in restored.events] == ["bot"]
    assert restored.latest_message.text is None or restored.latest_message.text == ""


def test_a_conversation_past_retention_is_gone_from_cache_and_file(db, monkeypatch):
    store = SQLiteTrackerStore(DOMAIN, db=db)
    run(store.save(conversation("citizen-1", "đăng ký khai sinh")))
    run(store.save(conversation("citizen-2", "đăng ký kết hôn")))
    store._updated["citizen-1"] -= 91 * 86_400                                 # last saved 91 days ago
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE conversations SET updated_at = updated_at - 91 * 86400 "
                           "WHERE sender_id = 'citizen-1'")
    assert run(store.retrieve("citizen-1")) is None
    assert run(store.retrieve("citizen-2")).latest_message.text == "đăng ký kết hôn"
    assert sorted(run(store.keys())) == ["citizen-2"]


def test_the_variables_of_a_bot_response_are_masked_too(db):
    store = SQLiteTrackerStore(LOOKUP_DOMAIN, db=db)
    tracker = DialogueStateTracker("citizen-1", LOOKUP_DOMAIN.slots)
    tracker.update(BotUttered("📂 Hồ sơ 000.00.53.H26-240115-0012", metadata={
        "utter_action": "utter_dossier_summary", "code": "000.00.53.H26-240115-0012", "unit": "UBND phường"}))
    run(store.save(tracker))
    assert "240115" not in store.store["citizen-1"]
    assert '"utter_action": "utter_dossier_summary"' in store.store["citizen-1"]
