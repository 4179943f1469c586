"""Personal data through the real servers: what a citizen types is masked before anything keeps it
(conversation store, application database, logs), and "xóa dữ liệu của tôi" deletes that
conversation only, after a confirmation."""
import json
import sqlite3
from contextlib import closing

from sqlalchemy import inspect, text

from appdb.engine import make_engine
from tests.conftest import ARTIFACTS, Conversation
from tests.conversations.test_dossier import code, look_up, phone, store  # noqa: F401  (the fixture)

NUMBER = 40                                   # the dossier of this module (tests/conversations/test_dossier.py)
ID_NUMBER, OTHER_PHONE = "001099012345", "0987654321"
DOSSIER_DATA = ("dossiers", "dossier_status_history")


def stored_conversation(stack, sender: str) -> str | None:
    """The stored conversation as readable text (the store writes JSON with \\u escapes)."""
    with closing(sqlite3.connect(stack.tracker_db)) as db:
        row = db.execute("SELECT tracker FROM conversations WHERE sender_id = ?", (sender,)).fetchone()
    return row and json.dumps(json.loads(row[0]), ensure_ascii=False)


def application_rows(stack) -> str:
    """Every row of every table of the application database that holds what citizens said or did
    (all but the dossiers themselves, the one-stop-shop's own data), as one text."""
    engine = make_engine(stack.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return "\n".join(json.dumps([str(value) for value in row], ensure_ascii=False)
                             for table in inspect(connection).get_table_names() if table not in DOSSIER_DATA
                             for row in connection.execute(text(f'SELECT * FROM "{table}"')))
    finally:
        engine.dispose()


def test_a_look_up_and_personal_numbers_leave_nothing_readable_in_any_store_or_log(store, stack):  # noqa: F811
    from tests.conversations.test_dossier import dossier, Status
    store.upsert([dossier(NUMBER, Status.PROCESSING)])
    citizen = Conversation(stack.rasa_url)
    assert "Đang xử lý" in look_up(citizen, NUMBER, phone(NUMBER)[-4:])
    citizen.text("thủ tục cấp phép bay thử khinh khí cầu trên hồ tây")      # unanswered: kept for staff
    citizen.text(f"số cccd của tôi là {ID_NUMBER}, sđt {OTHER_PHONE}, làm lại căn cước ở đâu")
    secrets = [code(NUMBER), code(NUMBER).rsplit("-", 2)[1] + "-" + f"{NUMBER:04d}", phone(NUMBER), ID_NUMBER,
               OTHER_PHONE]
    conversation = stored_conversation(stack, citizen.sender)
    assert conversation and "căn cước" in conversation                      # the conversation is kept…
    kept = {"conversation store": conversation, "application database": application_rows(stack)}
    kept.update({f"log {path.name}": path.read_text(encoding="utf-8", errors="replace")
                 for path in (ARTIFACTS / "logs").glob("*.log")})
    assert "khinh khí cầu" in kept["application database"]                 # …and so is the unanswered question
    readable = {where: [s for s in secrets if s in content] for where, content in kept.items()}
    assert {where: found for where, found in readable.items() if found} == {}
    check_digits = phone(NUMBER)[-4:]
    events = json.loads(conversation)["events"]
    assert not [e for e in events if e["event"] == "user" and check_digits in (e.get("text") or "")]


def test_delete_my_data_asks_first_then_deletes_this_conversation_only(stack):
    citizen, other = Conversation(stack.rasa_url), Conversation(stack.rasa_url)
    citizen.text("đăng ký khai sinh")
    other.text("đăng ký kết hôn")
    asked = citizen.say("xóa dữ liệu của tôi")
    assert "muốn xóa" in asked[0]["text"]
    assert [b["payload"] for b in asked[0]["buttons"]] == ["/confirm_delete_data", "/cancel_delete_data"]
    assert "khai sinh" in stored_conversation(stack, citizen.sender)          # nothing deleted before the yes
    done = citizen.text("/confirm_delete_data")
    assert "Đã xóa dữ liệu" in done and "3 tin nhắn" in done       # the two above and the "yes"
    assert "khai sinh" not in stored_conversation(stack, citizen.sender)
    assert "kết hôn" in stored_conversation(stack, other.sender)             # the other citizen's is intact
    assert "90 ngày" in citizen.text("dữ liệu của tôi")


def test_the_web_chat_serves_the_privacy_notice_it_links_to(stack):
    import urllib.request

    with urllib.request.urlopen(f"{stack.rasa_url}/webhooks/web/privacy", timeout=10) as reply:
        page = reply.read().decode()
    assert "90 ngày" in page and "xóa dữ liệu của tôi" in page
    with urllib.request.urlopen(f"{stack.rasa_url}/webhooks/web/chat", timeout=10) as reply:
        assert 'href="privacy"' in reply.read().decode()
