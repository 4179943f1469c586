from sqlalchemy import select
from sqlalchemy.orm import Session

from appdb.tables import UnansweredQuestion
from actions.procedures import ActionAnswerDetail, ActionAnswerProcedure
from tests.actions.conftest import run


def test_a_clear_question_gets_the_summary_buttons_and_the_slot(domain):
    messages, events = run(ActionAnswerProcedure(), domain, text="lam giay khai sinh cho con", intent="ask_procedure")
    summary = messages[0]
    assert summary["response"] == "utter_procedure_summary"
    assert summary["name"] == "Đăng ký khai sinh"
    assert summary["fee"] == "Miễn lệ phí" and summary["duration"] == "Trong ngày"
    assert "chưa được cán bộ xác minh" in summary["verification"]
    assert [b["payload"] for b in summary["buttons"]] == [   # each button carries its record
        '/%s{"procedure_id":"ht-khai-sinh"}' % intent
        for intent in ("ask_documents", "ask_fee", "ask_duration", "ask_where", "ask_steps", "ask_online")]
    assert messages[-1]["response"] == "utter_ask_rating"
    assert events == [{"event": "slot", "timestamp": None, "name": "procedure_id", "value": "ht-khai-sinh"},
                      {"event": "slot", "timestamp": None, "name": "noted_records", "value": ["ht-khai-sinh"]}]


def test_an_answer_offers_up_to_three_related_procedures_as_buttons(domain):
    messages, _ = run(ActionAnswerProcedure(), domain, text="lam giay khai sinh cho con", intent="ask_procedure")
    offered = messages[1]
    assert offered["response"] == "utter_related_procedures"
    assert [b["payload"] for b in offered["buttons"]] == [
        '/choose_procedure{"procedure_id":"%s"}' % r for r in ("cu-tam-tru", "ht-khai-tu", "ht-ket-hon")]
    assert [b["title"] for b in offered["buttons"]] == ["Đăng ký tạm trú", "Đăng ký khai tử", "Đăng ký kết hôn"]


def test_an_answer_without_related_procedures_goes_straight_to_the_rating(domain):
    messages, _ = run(ActionAnswerProcedure(), domain, text="lam ho chieu", intent="ask_procedure")
    assert [m["response"] for m in messages] == ["utter_procedure_summary", "utter_ask_rating"]


def test_a_chosen_candidate_is_answered_by_id(domain):
    messages, events = run(ActionAnswerProcedure(), domain, text='/choose_procedure{"procedure_id":"ht-khai-tu"}',
                           intent="choose_procedure", entities=[{"entity": "procedure_id", "value": "ht-khai-tu"}])
    assert messages[0]["name"] == "Đăng ký khai tử"
    assert events[0]["value"] == "ht-khai-tu"


def test_nothing_found_is_said_honestly_and_logged_without_personal_numbers(domain, installed):
    question = "giá vàng hôm nay, số tôi 0912345678"
    messages, events = run(ActionAnswerProcedure(), domain, text=question, intent="nlu_fallback")
    assert [m["response"] for m in messages] == ["utter_procedure_not_found"]
    assert events == []
    run(ActionAnswerProcedure(), domain, text=question, intent="nlu_fallback")
    with Session(installed) as session:
        row = session.scalars(select(UnansweredQuestion)).one()
    assert row.count == 2 and "0912345678" not in row.text and "***" in row.text


def test_a_follow_up_answers_about_the_procedure_under_discussion(domain):
    messages, events = run(ActionAnswerDetail(), domain, text="thế lệ phí bao nhiêu?", intent="ask_fee",
                           slots={"procedure_id": "ht-ket-hon"})
    assert messages[0]["response"] == "utter_procedure_fee"
    assert messages[0]["name"] == "Đăng ký kết hôn" and messages[0]["fee"] == "Miễn lệ phí"
    assert [e["name"] for e in events] == ["noted_records"]      # the procedure stays


def test_a_follow_up_naming_another_procedure_switches_to_it(domain):
    messages, events = run(ActionAnswerDetail(), domain, text="làm hộ chiếu cần giấy tờ gì", intent="ask_documents",
                           slots={"procedure_id": "ht-ket-hon"})
    assert messages[0]["name"] == "Cấp hộ chiếu phổ thông"
    assert "1. Tờ khai (01 bản chính)" in messages[0]["documents"]
    assert events[0]["value"] == "hc-ho-chieu"


def test_a_follow_up_without_any_procedure_asks_which(domain):
    messages, _ = run(ActionAnswerDetail(), domain, text="mất bao lâu", intent="ask_duration")
    assert [m["response"] for m in messages] == ["utter_ask_which_procedure"]


def test_a_button_follow_up_uses_the_slot(domain):
    messages, _ = run(ActionAnswerDetail(), domain, text="/ask_online", intent="ask_online",
                      slots={"procedure_id": "ht-khai-sinh"})
    assert messages[0]["response"] == "utter_procedure_online"
    assert "toàn trình" in messages[0]["online"]


def test_a_detail_button_under_an_earlier_answer_answers_for_its_own_record(domain):
    messages, events = run(ActionAnswerDetail(), domain, text='/ask_fee{"procedure_id":"ht-khai-tu"}',
                           intent="ask_fee", entities=[{"entity": "procedure_id", "value": "ht-khai-tu"}],
                           slots={"procedure_id": "hc-ho-chieu"})
    assert messages[0]["name"] == "Đăng ký khai tử"
    assert events[0]["value"] == "ht-khai-tu"


def test_a_message_that_is_a_record_s_very_name_is_about_that_record():
    from actions.procedures import names_exactly
    from tests.factories import make_procedure

    record = make_procedure("2.001019", "Chứng thực di chúc", ("chứng thực di chúc tại UBND xã",))
    assert names_exactly(record, "chứng thực di chúc") and names_exactly(record, "thủ tục chứng thuc di chuc")
    assert not names_exactly(record, "lập di chúc")


def test_a_procedure_question_asking_one_detail_gets_that_detail_of_the_record_it_names(domain):
    messages, events = run(ActionAnswerProcedure(), domain, text="thế hộ chiếu phổ thông lệ phí bao nhiêu",
                           intent="ask_procedure", slots={"procedure_id": "ht-khai-sinh"})
    assert [m["response"] for m in messages] == ["utter_procedure_fee"]
    assert messages[0]["name"] == "Cấp hộ chiếu phổ thông"
    assert {"event": "slot", "timestamp": None, "name": "procedure_id", "value": "hc-ho-chieu"} in events
