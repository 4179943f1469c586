"""The dossier look-up actions on a real SQLite store, with the real domain's responses."""
import asyncio
import datetime as dt
import json
import threading

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.dossier import ActionCheckDossierStatus, ActionClearDossierLookup, ValidateDossierForm
from dossiers import DossierUnavailable
from dossiers.lockout import Lockout
from dossiers.http_store import HttpDossierStore
from dossiers.lookup import DossierLookup, use_dossier_lookup
from dossiers.model import Status, today
from dossiers.settings import DossierSettings
from dossiers.sql_store import SqlDossierStore
from tests.actions.conftest import run, tracker
from tests.dossiers.conftest import HASH_KEY, PHONE, SETTINGS, make_update
from tests.dossiers.fake_api import TOKEN, FakeOneStopShop

CODE = "000.00.53.H26-260301-0012"
CLEARED = [{"event": "slot", "timestamp": None, "name": "dossier_code", "value": None},
           {"event": "slot", "timestamp": None, "name": "dossier_check_digits", "value": None}]


@pytest.fixture
def store(installed):
    store = SqlDossierStore(installed, HASH_KEY)
    use_dossier_lookup(DossierLookup(store, Lockout(installed, SETTINGS)))
    yield store
    use_dossier_lookup(None)


def check(domain, code=CODE, digits=PHONE[-4:], sender="citizen-1"):
    dispatcher = CollectingDispatcher()
    slots = {"dossier_code": code, "dossier_check_digits": digits}
    message = {"text": digits, "intent": {"name": "inform_dossier"}, "entities": []}
    events = asyncio.run(ActionCheckDossierStatus().run(
        dispatcher, Tracker(sender, slots, message, [], False, None, {}, "rest"), domain))
    return dispatcher.messages, events


def names(messages):
    return [m["response"] for m in messages]


def validate(slot, value, message=None):
    dispatcher = CollectingDispatcher()
    method = getattr(ValidateDossierForm(), f"validate_{slot}")
    return method(value, dispatcher, tracker(message or value, "inform_dossier"), {}), names(dispatcher.messages)


@pytest.mark.parametrize("text, code", [
    ("000.00.53.H26-240115-0012", "000.00.53.H26-240115-0012"),
    ("ho so 000.00.53.h26-240115-0012 cua toi sao roi", "000.00.53.H26-240115-0012"),
    ("000.00.53.H26 - 240115 - 0012", "000.00.53.H26-240115-0012"),      # copied with spaces,
    ("000 00 53 H26 240115 0012", "000.00.53.H26-240115-0012"),          # typed with spaces only,
    ("000.00.53.h26.240115.0012", "000.00.53.H26-240115-0012"),          # dots for dashes, any case
    ("mã 000.00.53.H26–240115–0012 ạ", "000.00.53.H26-240115-0012"),     # en dashes
])
def test_a_code_in_the_message_is_taken(text, code):
    assert validate("dossier_code", text) == ({"dossier_code": code}, [])


@pytest.mark.parametrize("text, response", [
    ("abc", "utter_invalid_dossier_code"),
    ("000.00.53.H26-241315-0012", "utter_invalid_dossier_code"),
    ("'; DROP TABLE dossiers; --", "utter_invalid_dossier_code"),
    ("000.00.53.H26-240115-0012 " + "x" * 400, "utter_dossier_input_too_long"),
])
def test_a_malformed_code_gets_a_clear_message(text, response):
    assert validate("dossier_code", text) == ({"dossier_code": None}, [response])


def test_a_code_found_in_a_huge_message_is_not_taken():
    message = "000.00.53.H26-240115-0012 " + "a" * 1000
    assert validate("dossier_code", "000.00.53.H26-240115-0012", message) == (
        {"dossier_code": None}, ["utter_dossier_input_too_long"])


@pytest.mark.parametrize("text, digits", [("5678", "5678"), ("4 số cuối là 5678", "5678"), ("56 78", "5678"),
                                          ("000.00.53.H26-240115-0012 5678", "5678")])
def test_check_digits_are_taken(text, digits):
    assert validate("dossier_check_digits", text) == ({"dossier_check_digits": digits}, [])


def test_a_new_code_instead_of_the_digits_is_not_an_error():
    assert validate("dossier_check_digits", "000.00.53.H26-240115-0013") == ({"dossier_check_digits": None}, [])


@pytest.mark.parametrize("text, response", [
    ("0912345678", "utter_dossier_full_number_given"), ("001099012345", "utter_dossier_full_number_given"),
    ("12", "utter_invalid_dossier_check_digits"), ("không nhớ", "utter_invalid_dossier_check_digits"),
    ("1" * 500, "utter_dossier_input_too_long"),
])
def test_wrong_check_digits_get_a_clear_message(text, response):
    assert validate("dossier_check_digits", text) == ({"dossier_check_digits": None}, [response])


def test_the_answer_tells_status_unit_date_and_days_left(store, domain):
    on = today()
    store.upsert([make_update(CODE, Status.PROCESSING, received_on=on - dt.timedelta(days=2),
                              due_on=on + dt.timedelta(days=3))])
    messages, events = check(domain)
    assert names(messages) == ["utter_dossier_summary"]
    assert events == CLEARED + [{"event": "slot", "timestamp": None, "name": "procedure_id", "value": "ht-khai-sinh"}]
    summary = messages[0]
    assert summary["procedure"] == "Đăng ký khai sinh" and summary["unit"] == "UBND phường Thử nghiệm"
    assert summary["applicant"] == "T*** T*** Thử"
    assert summary["due"] == (on + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    assert summary["timing"] == " (còn 3 ngày)" and summary["status"].startswith("Đang xử lý")
    assert PHONE[-4:] not in str(messages)


def test_more_documents_requested_says_which_and_where(store, domain):
    store.upsert([make_update(CODE, Status.SUPPLEMENT_REQUESTED, due_on=today() + dt.timedelta(days=5),
                              missing_documents=("Bản sao CCCD", "Tờ khai"), supplement_place="Quầy số 3")])
    status = check(domain)[0][0]["status"]
    assert "Bản sao CCCD" in status and "Tờ khai" in status and "Quầy số 3" in status


def test_a_late_dossier_comes_with_the_apology_and_the_new_date(store, domain):
    on = today()
    store.upsert([make_update(CODE, Status.PROCESSING, received_on=on - dt.timedelta(days=20),
                              due_on=on - dt.timedelta(days=4), apology_letter="Thư xin lỗi số 12/TXL",
                              new_due_on=on + dt.timedelta(days=6))])
    messages = check(domain)[0]
    assert names(messages) == ["utter_dossier_summary", "utter_dossier_apology"]
    assert messages[0]["timing"] == " (đã quá hẹn 4 ngày)"
    assert messages[1]["letter"] == "Thư xin lỗi số 12/TXL"
    assert messages[1]["new_due"] == (on + dt.timedelta(days=6)).strftime("%d/%m/%Y")


def test_a_late_dossier_without_a_letter_yet_still_gets_an_apology(store, domain):
    store.upsert([make_update(CODE, Status.RECEIVED, due_on=today() - dt.timedelta(days=1))])
    assert names(check(domain)[0]) == ["utter_dossier_summary", "utter_dossier_apology_pending"]


def test_a_finished_dossier_says_how_and_where_to_collect(store, domain):
    store.upsert([make_update(CODE, Status.PROCESSED, due_on=today() - dt.timedelta(days=9),
                              collection_method="Nhận qua bưu chính", collection_place="Bưu điện Ba Đình")])
    messages = check(domain)[0]
    assert names(messages) == ["utter_dossier_summary"] and messages[0]["timing"] == ""   # not late: finished
    assert "Nhận qua bưu chính" in messages[0]["status"] and "Bưu điện Ba Đình" in messages[0]["status"]


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_its_wording(store, domain, status):
    store.upsert([make_update(CODE, status, status_note="Lý do thử")])
    text = check(domain)[0][0]["status"]
    assert "{" not in text and text.split(" ")[0] in {"Mới", "Được", "Không", "Đang", "Yêu", "Công", "Dừng", "Đã"}


def test_unknown_code_and_wrong_digits_get_the_same_reply(store, domain):
    store.upsert([make_update(CODE)])
    assert check(domain, digits="0000") == check(domain, code="000.00.53.H26-260301-0099", digits="0000")
    assert names(check(domain, digits="0000")[0]) == ["utter_dossier_not_found"]


def test_five_failures_lock_the_sender_out(store, domain):
    store.upsert([make_update(CODE)])
    replies = [names(check(domain, digits=f"{n:04d}", sender="prober")[0]) for n in range(5)]
    assert replies[:4] == [["utter_dossier_not_found"]] * 4
    assert replies[4] == ["utter_dossier_not_found", "utter_dossier_locked"]
    messages = check(domain, sender="prober")[0]                                  # even the right digits
    assert names(messages) == ["utter_dossier_locked"] and 14 <= messages[0]["minutes"] <= 15


def test_a_backend_failure_is_a_polite_message(store, domain):
    class Broken:
        def lookup(self, code, digits):
            raise DossierUnavailable("down")
    use_dossier_lookup(DossierLookup(Broken(), Lockout(store.engine, SETTINGS)))
    messages, events = check(domain)
    assert names(messages) == ["utter_dossier_unavailable"] and events == CLEARED


def test_clearing_forgets_the_code_and_digits(domain):
    assert run(ActionClearDossierLookup(), domain, text="thôi", intent="deny")[1] == CLEARED


def test_a_hung_one_stop_shop_does_not_hold_up_other_conversations(domain, store, installed):
    """rasa_sdk runs every action on one event loop: the look-up waits in a worker thread."""
    executor = ActionExecutor()
    executor.register_package("actions")
    store.upsert([make_update(CODE)])

    def call(action: str, sender: str, text: str, intent: str, slots: dict) -> dict:
        message = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": []}
        tracker = {"sender_id": sender, "slots": slots, "latest_message": message, "paused": False,
                   "events": [{"event": "user", "text": text, "parse_data": message}], "active_loop": {},
                   "latest_action_name": "action_listen", "latest_input_channel": "rest"}
        return {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": domain}

    with FakeOneStopShop(store) as fake:
        fake.behaviour.release = threading.Event()
        settings = DossierSettings(backend="http", api_url=fake.url, api_token=TOKEN, api_timeout=30, api_retries=0)
        use_dossier_lookup(DossierLookup(HttpDossierStore(settings), Lockout(installed, SETTINGS)))

        async def both():
            look_up = asyncio.ensure_future(executor.run(call(
                "action_check_dossier_status", "citizen-1", PHONE[-4:], "inform_dossier",
                {"dossier_code": CODE, "dossier_check_digits": PHONE[-4:]})))
            assert await asyncio.to_thread(fake.behaviour.received.wait, 10)     # the backend now holds it
            answer = await executor.run(call("action_answer_procedure", "citizen-2", "đăng ký khai sinh",
                                             "ask_procedure", {}))
            waiting = not look_up.done()
            fake.behaviour.release.set()
            return answer, waiting, await look_up

        answer, waiting, look_up = asyncio.run(both())
    assert waiting                      # the second citizen was answered while the first look-up waited
    assert "khai sinh" in json.dumps(answer.responses, ensure_ascii=False).lower()
    assert [m["response"] for m in look_up.responses][:1] == ["utter_dossier_summary"]


def test_a_dossier_is_not_looked_up_in_a_telegram_group(domain, store):
    store.upsert([make_update(CODE)])
    dispatcher = CollectingDispatcher()
    slots = {"dossier_code": CODE, "dossier_check_digits": PHONE[-4:]}
    message = {"text": PHONE[-4:], "intent": {"name": "inform_dossier"}, "entities": []}
    events = [{"event": "user", "text": PHONE[-4:], "parse_data": message, "metadata": {"chat_type": "supergroup"}}]
    returned = asyncio.run(ActionCheckDossierStatus().run(
        dispatcher, Tracker("telegram--100123", slots, message, events, False, None, {}, "telegram"), domain))
    assert names(dispatcher.messages) == ["utter_dossier_private_only"] and returned == CLEARED
    private = [{**events[0], "metadata": {"chat_type": "private"}}]
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionCheckDossierStatus().run(
        dispatcher, Tracker("telegram-123", slots, message, private, False, None, {}, "telegram"), domain))
    assert names(dispatcher.messages)[:1] == ["utter_dossier_summary"]
