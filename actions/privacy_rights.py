"""The citizen's rights over what is kept ("dữ liệu của tôi", "xóa dữ liệu của tôi").

The conversation itself is forgotten by the tracker store when it sees action_delete_my_data
(bot/minimise.py); this action deletes the hand-off requests and the dossier subscriptions tied to
the conversation and says what was deleted.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset
from rasa_sdk.executor import CollectingDispatcher

import envconfig
from appdb.engine import engine
from appdb.retention import forget_sender
from notifications.subscriptions import forget as forget_subscriptions


def _periods() -> dict[str, int]:
    return {"conversation_days": envconfig.conversation_retention_days(),
            "journal_days": envconfig.journal_retention_days()}


class ActionExplainMyData(Action):
    def name(self) -> str:
        return "action_explain_my_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        dispatcher.utter_message(response="utter_my_data", contact=envconfig.privacy_contact(), **_periods())
        return []


class ActionDeleteMyData(Action):
    def name(self) -> str:
        return "action_delete_my_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        messages = sum(1 for event in tracker.events if event.get("event") == "user")
        handoffs = forget_sender(engine(), tracker.sender_id)
        dispatcher.utter_message(response="utter_data_deleted", messages=messages, handoffs=handoffs,
                                 journal_days=_periods()["journal_days"])
        followed = forget_subscriptions(engine(), tracker.sender_id)
        if followed:
            dispatcher.utter_message(response="utter_notify_forgotten", count=followed)
        return [AllSlotsReset()]
