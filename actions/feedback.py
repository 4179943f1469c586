"""Feedback on answers: 👍/👎 with an optional comment, stored with the record and question."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.courtesy import is_insult
from actions.procedures import answer_question, reads_as_question
from appdb.journal import add_feedback_comment, record_feedback


def last_question(tracker: Tracker) -> str | None:
    """The citizen's last typed message that was not a button or a rating."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            text = event.get("text") or ""
            if text and not text.startswith("/") and event.get("parse_data", {}).get("intent", {}).get(
                    "name") not in ("rate_answer", "give_feedback"):
                return text
    return None


class ActionStoreFeedback(Action):
    def name(self) -> str:
        return "action_store_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        if intent == "give_feedback":   # a typed remark is a comment on the last answer
            remark = tracker.latest_message.get("text") or ""
            if is_insult(remark):
                dispatcher.utter_message(response="utter_insult_reply")
                return []
            record_feedback(tracker.get_slot("procedure_id"), last_question(tracker), "down", remark)
            dispatcher.utter_message(response="utter_feedback_thanks")
            return []
        rating = tracker.get_slot("rating") or "up"
        feedback_id = record_feedback(tracker.get_slot("procedure_id"), last_question(tracker), rating)
        return [SlotSet("feedback_id", float(feedback_id))]


class ActionSaveFeedbackComment(Action):
    def name(self) -> str:
        return "action_save_feedback_comment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        feedback_id, comment = tracker.get_slot("feedback_id"), tracker.get_slot("feedback_comment")
        if feedback_id is not None and comment:
            add_feedback_comment(int(feedback_id), comment)
            dispatcher.utter_message(response="utter_feedback_thanks")   # thanked only for what was saved
        return [SlotSet("feedback_comment", None), SlotSet("feedback_id", None), SlotSet("rating", None)]


class ValidateFeedbackForm(FormValidationAction):
    """Neither an insult nor a question is a comment: an insult is answered calmly, a question
    ("thế nộp ở đâu?") is answered; neither is stored, and the form ends (requested_slot None)."""

    def name(self) -> str:
        return "validate_feedback_form"

    def validate_feedback_comment(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        text = str(value or "")
        if is_insult(text):
            dispatcher.utter_message(response="utter_insult_reply")
            return {"feedback_comment": None, "requested_slot": None}
        if reads_as_question(text):
            events = answer_question(dispatcher, domain, tracker, text)
            return {"feedback_comment": None, "requested_slot": None,
                    **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
        return {"feedback_comment": value}
