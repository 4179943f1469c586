import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import ActionSaveFeedbackComment, ActionStoreFeedback, ValidateFeedbackForm
from actions.handoff import ActionAnswerHotline, ActionRequestHuman, availability, working_hours
from appdb import handoffs
from envconfig import SettingsError
from appdb.tables import Feedback, HandoffRequest
from tests.actions.conftest import run

ASKED = {"event": "user", "text": "lam ho chieu", "parse_data": {"intent": {"name": "ask_procedure"}}}


def test_rating_is_stored_with_procedure_and_question(domain, installed):
    _, events = run(ActionStoreFeedback(), domain, text='/rate_answer{"rating":"down"}', intent="rate_answer",
                    slots={"rating": "down", "procedure_id": "hc-ho-chieu"},
                    events=[ASKED, {"event": "user", "text": '/rate_answer{"rating":"down"}',
                                    "parse_data": {"intent": {"name": "rate_answer"}}}])
    feedback_id = events[0]["value"]
    messages, _ = run(ActionSaveFeedbackComment(), domain, text="thiếu mẫu tờ khai", intent="inform",
                      slots={"feedback_id": feedback_id, "feedback_comment": "thiếu mẫu tờ khai, gọi 0987654321"})
    assert [m["response"] for m in messages] == ["utter_feedback_thanks"]     # thanked for what was saved
    with Session(installed) as session:
        row = session.scalars(select(Feedback)).one()
    assert (row.record_id, row.question, row.rating) == ("hc-ho-chieu", "lam ho chieu", "down")
    assert row.comment == "thiếu mẫu tờ khai, gọi ***"


def test_hand_off_pauses_the_conversation_and_keeps_its_id_only_until_closed(domain, installed):
    messages, events = run(ActionRequestHuman(), domain, text="gặp cán bộ", intent="request_human",
                           slots={"procedure_id": "ht-khai-sinh"})
    assert [m["response"] for m in messages][0] == "utter_handoff"
    assert messages[1]["response"] in ("utter_handoff_wait", "utter_handoff_closed")
    assert events[0]["event"] == "pause"
    # the listen is recorded, so that the restart intent ("quay lại trợ lý ảo") resumes the bot
    assert (events[1]["event"], events[1]["name"]) == ("action", "action_listen")
    with Session(installed) as session:
        row = session.scalars(select(HandoffRequest)).one()
    assert row.record_id == "ht-khai-sinh" and row.sender_hash != "citizen-1" and len(row.sender_hash) == 32
    assert row.conversation_id == "citizen-1"                 # for the staff workspace's answer
    handoffs.close(row.id)
    with Session(installed) as session:
        assert session.scalars(select(HandoffRequest)).one().conversation_id is None


@pytest.mark.parametrize("now, at_work, next_open", [
    ("2026-12-04T02:00:00+00:00", True, None),                     # Friday 09:00 in Hanoi
    ("2026-12-04T11:30:00+00:00", False, "2026-12-07T08:00:00+07:00"),   # Friday 18:30: Monday
    ("2026-12-05T03:00:00+00:00", False, "2026-12-07T08:00:00+07:00"),   # Saturday
    ("2026-12-06T23:00:00+00:00", False, "2026-12-07T08:00:00+07:00"),   # Monday 06:00
])
def test_the_citizen_is_told_whether_staff_are_at_work_and_when_they_will_be(now, at_work, next_open):
    working, opens, words = availability(dt.datetime.fromisoformat(now), working_hours("1-5 08:00-17:00"))
    assert working is at_work and words == "thứ Hai–thứ Sáu, 08:00–17:00"
    assert next_open is None or opens == dt.datetime.fromisoformat(next_open)


def test_a_bad_working_hours_setting_names_the_variable():
    with pytest.raises(SettingsError, match="HANDOFF_HOURS='8-17' is not valid"):
        working_hours("8-17")


def test_an_insult_is_answered_calmly_and_stored_nowhere(domain, installed):
    messages, events = run(ActionStoreFeedback(), domain, text="bot trả lời như cứt", intent="give_feedback")
    assert [m["response"] for m in messages] == ["utter_insult_reply"] and events == []
    dispatcher = CollectingDispatcher()
    slots = ValidateFeedbackForm().validate_feedback_comment("đồ ngu", dispatcher, None, {})
    assert slots == {"feedback_comment": None, "requested_slot": None}
    assert dispatcher.messages[0]["response"] == "utter_insult_reply"
    with Session(installed) as session:
        assert session.scalars(select(Feedback)).all() == []


def test_a_typed_remark_is_stored_and_thanked(domain, installed):
    messages, _ = run(ActionStoreFeedback(), domain, text="thiếu lệ phí cho trẻ em", intent="give_feedback")
    assert [m["response"] for m in messages] == ["utter_feedback_thanks"]
    with Session(installed) as session:
        assert session.scalars(select(Feedback)).one().comment == "thiếu lệ phí cho trẻ em"


def test_asking_for_a_phone_number_gets_the_catalog_hotline_answer_not_a_hand_off(domain, installed, small_kb):
    messages, events = run(ActionAnswerHotline(), domain, text="cho xin số tổng đài", intent="ask_hotline")
    assert all(e["event"] != "pause" for e in events)
    with Session(installed) as session:
        assert session.scalars(select(HandoffRequest)).all() == []


def test_a_question_typed_as_the_comment_is_answered_and_the_form_ends(domain, installed):
    from tests.actions.conftest import tracker

    dispatcher = CollectingDispatcher()
    slots = ValidateFeedbackForm().validate_feedback_comment(
        "thế nộp ở đâu", dispatcher, tracker("thế nộp ở đâu", "give_feedback", slots={"procedure_id": "ht-ket-hon"}),
        domain)
    assert slots["feedback_comment"] is None and slots["requested_slot"] is None
    assert [m["response"] for m in dispatcher.messages] == ["utter_procedure_where"]


def test_a_remark_that_names_a_detail_is_still_a_comment(domain):
    from tests.actions.conftest import tracker

    for text in ("thiếu thông tin lệ phí cho trẻ em", "thông tin lệ phí chưa rõ ràng, thiếu mức cho trẻ em"):
        slots = ValidateFeedbackForm().validate_feedback_comment(text, CollectingDispatcher(),
                                                                 tracker(text, "give_feedback"), domain)
        assert slots == {"feedback_comment": text}
