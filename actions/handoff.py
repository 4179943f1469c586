"""Hand-off to a human: recorded for staff, and the bot pauses for this conversation.

The pause is not forever: "quay lại trợ lý ảo" and "/restart" are Rasa's restart intent, which
a paused conversation still handles (utter_restart), and a new session (after the domain's
session_expiration_time without messages) starts unpaused. Asking for a phone number is not a
hand-off: it gets the hotline answer of the catalog.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import knowledge_base
from actions.procedures import answer_record
from appdb.journal import record_handoff
from knowledge_base import KnowledgeBaseError

HOTLINE_FAQ = "faq-duong-day-nong"   # the catalog's answer about hotline numbers


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        channel = tracker.get_latest_input_channel() or "unknown"
        record_handoff(channel, tracker.sender_id, tracker.get_slot("procedure_id"))
        dispatcher.utter_message(response="utter_handoff")
        # A paused conversation predicts nothing, not even the listen after this action; Rasa maps
        # the restart intent to action_restart only right after a listen, so it is recorded here.
        return [ConversationPaused(), ActionExecuted("action_listen")]


class ActionAnswerHotline(Action):
    def name(self) -> str:
        return "action_answer_hotline"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        try:
            record = knowledge_base().get(HOTLINE_FAQ)
        except KnowledgeBaseError:
            record = None
        if record is None:
            dispatcher.utter_message(response="utter_technical_problem")
            return []
        return answer_record(dispatcher, domain, record, tracker)
