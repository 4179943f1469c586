"""Dossier status through the real Rasa and action servers: every status, the inline code, the
wrong check, the lock-out, the overdue apology, malformed input. Test dossiers are written into
the stack's own database (stack.env's DATABASE_URL) with the SQL store before conversing."""
import datetime as dt

import pytest

from appdb.engine import make_engine
from dossiers.checks import CheckDigits, masked
from dossiers.model import Applicant, Dossier, DossierUpdate, Status, today
from dossiers.sql_store import SqlDossierStore
from tests.conftest import Conversation

UNIT = "000.00.53.H26"
STATUS_WORDS = {
    Status.NEW: "Mới đăng ký", Status.RECEIVED: "Được tiếp nhận", Status.REJECTED: "Không được tiếp nhận",
    Status.PROCESSING: "Đang xử lý", Status.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    Status.PAYMENT_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính", Status.WITHDRAWN: "Công dân đã rút hồ sơ",
    Status.STOPPED: "Dừng xử lý", Status.PROCESSED: "Đã xử lý xong", Status.RETURNED: "Đã trả kết quả",
}
ASK_CODE, ASK_DIGITS = "nhắn mã hồ sơ", "4 chữ số cuối"
NOT_FOUND, LOCKED = "Không tìm thấy hồ sơ khớp", "tạm dừng để bảo vệ thông tin"


def phone(number: int) -> str:
    return f"09123{number:05d}"


def code(number: int) -> str:
    return f"{UNIT}-{today() - dt.timedelta(days=3):%y%m%d}-{number:04d}"


def dossier(number: int, status: Status, **changes) -> DossierUpdate:
    on = today()
    fields = dict(code=code(number), procedure_name="Thủ tục đăng ký khai sinh", procedure_id="1.001193",
                  applicant=Applicant("Phạm Văn Kiểm", masked(phone(number)), None),
                  received_on=on - dt.timedelta(days=3), due_on=on + dt.timedelta(days=4), status=status,
                  handling_unit="UBND phường Thử Nghiệm", status_note="Ghi chú của cán bộ")
    fields.update(changes)
    return DossierUpdate(Dossier(**fields), CheckDigits(phone(number)[-4:], None), replace_history=False)


STATUS_DOSSIERS = {status: dossier(n, status, missing_documents=("Bản sao Giấy chứng sinh",),
                                   supplement_place="Quầy số 2", collection_method="Nhận trực tiếp",
                                   collection_place="Quầy trả kết quả số 5")
                   for n, status in enumerate(Status, start=1)}
LATE = dossier(20, Status.PROCESSING, due_on=today() - dt.timedelta(days=2), apology_letter="Thư xin lỗi số 7/TXL",
               new_due_on=today() + dt.timedelta(days=3))
LATE_NO_LETTER = dossier(21, Status.RECEIVED, due_on=today() - dt.timedelta(days=1))
OWNED = dossier(30, Status.PROCESSING)


@pytest.fixture(scope="module")
def store(stack) -> SqlDossierStore:
    engine = make_engine(stack.env["DATABASE_URL"])
    store = SqlDossierStore(engine, stack.env.get("DOSSIER_HASH_KEY", ""))
    store.upsert([*STATUS_DOSSIERS.values(), LATE, LATE_NO_LETTER, OWNED])
    yield store
    engine.dispose()


def look_up(conversation: Conversation, number: int, digits: str) -> str:
    assert ASK_CODE in conversation.text("tra cứu hồ sơ")
    assert ASK_DIGITS in conversation.text(code(number))
    return conversation.text(digits)


@pytest.mark.parametrize("status", list(Status))
def test_every_status_is_told_after_the_check(store, conversation, status):
    number = list(Status).index(status) + 1
    reply = look_up(conversation, number, phone(number)[-4:])
    assert f"Hồ sơ {code(number)}" in reply and STATUS_WORDS[status] in reply
    assert "Thủ tục đăng ký khai sinh" in reply and "UBND phường Thử Nghiệm" in reply
    assert "P*** V*** Kiểm" in reply and "Phạm Văn" not in reply and phone(number) not in reply
    assert ("(còn 4 ngày)" in reply) == status.in_progress
    if status is Status.SUPPLEMENT_REQUESTED:
        assert "Bản sao Giấy chứng sinh" in reply and "Quầy số 2" in reply
    if status is Status.PROCESSED:
        assert "Nhận trực tiếp" in reply and "Quầy trả kết quả số 5" in reply
    if status in (Status.REJECTED, Status.STOPPED, Status.PAYMENT_REQUESTED):
        assert "Ghi chú của cán bộ" in reply


def test_a_code_inside_the_question_skips_asking_for_it_and_follow_ups_are_about_its_procedure(store, conversation):
    assert ASK_DIGITS in conversation.text(f"ho so {code(30).lower()} cua toi sao roi")
    assert "Đang xử lý" in conversation.text(f"4 số cuối là {phone(30)[-4:]}")
    assert conversation.text("thế lệ phí bao nhiêu?").startswith("💰 Phí, lệ phí — Thủ tục đăng ký khai sinh")


def test_a_wrong_check_says_no_more_than_an_unknown_code(store, stack):
    wrong = look_up(Conversation(stack.rasa_url), 30, "0000")
    unknown = look_up(Conversation(stack.rasa_url), 9999, phone(30)[-4:])
    assert wrong == unknown and wrong.startswith(NOT_FOUND) and "Đang xử lý" not in wrong


def test_five_failed_checks_lock_the_sender_out(store, conversation, stack):
    for attempt in range(5):
        assert ASK_DIGITS in conversation.text(f"tra cuu ho so {code(900 + attempt)}")
        reply = conversation.text("1234")
        assert NOT_FOUND in reply and (LOCKED in reply) == (attempt == 4)
    reply = look_up(conversation, 30, phone(30)[-4:])                       # even with the right digits
    assert LOCKED in reply and "Đang xử lý" not in reply
    assert "Đang xử lý" in look_up(Conversation(stack.rasa_url), 30, phone(30)[-4:])   # others are not locked


def test_a_late_dossier_comes_with_an_apology_and_a_new_date(store, conversation):
    reply = look_up(conversation, 20, phone(20)[-4:])
    assert "(đã quá hẹn 2 ngày)" in reply and "xin lỗi" in reply and "Thư xin lỗi số 7/TXL" in reply
    assert f"Ngày hẹn trả mới: {today() + dt.timedelta(days=3):%d/%m/%Y}" in reply


def test_a_late_dossier_without_a_letter_still_gets_an_apology(store, conversation):
    reply = look_up(conversation, 21, phone(21)[-4:])
    assert "(đã quá hẹn 1 ngày)" in reply and "thành thật xin lỗi" in reply


def test_malformed_injected_and_long_input_change_nothing(store, conversation):
    before = store.count()
    assert ASK_CODE in conversation.text("hồ sơ của tôi đến đâu rồi")
    assert "chưa đúng định dạng" in conversation.text("'; DROP TABLE dossiers; --")
    assert "quá dài" in conversation.text("000.00.53.H26-240115-0012 " + "a" * 400)       # the form's own limit
    assert "dài quá 1.000 ký tự" in conversation.text("000.00.53.H26-240115-0012 " + "a" * 1000)  # never reaches Rasa
    assert ASK_DIGITS in conversation.text(code(30))
    assert "chỉ cần 4 chữ số cuối" in conversation.text(phone(30))
    assert "Vâng, tôi đã dừng tra cứu hồ sơ" in conversation.text("thôi")
    assert store.count() == before and store.get(code(30)).status is Status.PROCESSING


def test_a_procedure_question_is_not_a_dossier_look_up(store, conversation):
    assert ASK_CODE not in conversation.text("làm giấy khai sinh cho con cần những gì")
    assert ASK_CODE in conversation.text("ho so cua toi den dau roi")
