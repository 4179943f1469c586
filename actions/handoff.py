"""Hand-off to a human: recorded for staff, and the bot pauses for this conversation."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from appdb.journal import record_handoff


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        channel = tracker.get_latest_input_channel() or "unknown"
        record_handoff(channel, tracker.sender_id, tracker.get_slot("procedure_id"))
        dispatcher.utter_message(response="utter_handoff")
        return [ConversationPaused()]
