from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.feedback import ActionSaveFeedbackComment, ActionStoreFeedback
from actions.handoff import ActionRequestHuman
from appdb.tables import Feedback, HandoffRequest
from tests.actions.conftest import run

ASKED = {"event": "user", "text": "lam ho chieu", "parse_data": {"intent": {"name": "ask_procedure"}}}


def test_rating_is_stored_with_procedure_and_question(domain, installed):
    _, events = run(ActionStoreFeedback(), domain, text='/rate_answer{"rating":"down"}', intent="rate_answer",
                    slots={"rating": "down", "procedure_id": "hc-ho-chieu"},
                    events=[ASKED, {"event": "user", "text": '/rate_answer{"rating":"down"}',
                                    "parse_data": {"intent": {"name": "rate_answer"}}}])
    feedback_id = events[0]["value"]
    run(ActionSaveFeedbackComment(), domain, text="thiếu mẫu tờ khai", intent="inform",
        slots={"feedback_id": feedback_id, "feedback_comment": "thiếu mẫu tờ khai, gọi 0987654321"})
    with Session(installed) as session:
        row = session.scalars(select(Feedback)).one()
    assert (row.record_id, row.question, row.rating) == ("hc-ho-chieu", "lam ho chieu", "down")
    assert row.comment == "thiếu mẫu tờ khai, gọi ***"


def test_hand_off_pauses_the_conversation_and_keeps_no_sender_id(domain, installed):
    messages, events = run(ActionRequestHuman(), domain, text="gặp cán bộ", intent="request_human",
                           slots={"procedure_id": "ht-khai-sinh"})
    assert [m["response"] for m in messages] == ["utter_handoff"]
    assert events[0]["event"] == "pause"
    with Session(installed) as session:
        row = session.scalars(select(HandoffRequest)).one()
    assert row.record_id == "ht-khai-sinh" and row.sender_hash != "citizen-1" and len(row.sender_hash) == 32
