"""Greetings, thanks, goodbyes, yes and no, and off-topic messages: answered as such unless the
message is a question the knowledge base can answer.

NLU alone took "chứng thực di chúc ở phường" for a goodbye and "vậy có cần chủ nhà đồng ý
không" for a yes. Here its intent is weighed with the message's own words and the knowledge
base: a message that asks a detail of the procedure in context, or that names a procedure the
knowledge base finds clearly, is answered as the question it is; a yes or no right after
"Anh/Chị muốn hỏi sang thủ tục … ạ?" picks the matching button.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.comparison import answer_comparison
from actions.context import read, says_small_talk
from actions.knowledge import knowledge_base
from actions.procedures import (answer_detail, answer_follow_up, answer_question, answer_record, answer_result,
                                answer_yes_no, search_question)
from actions.yes_no import is_yes_no
from knowledge_base import KnowledgeBaseError
from knowledge_base.schema import Procedure

log = logging.getLogger(__name__)

RESPONSES = {"greet": "utter_greet", "goodbye": "utter_goodbye", "thank": "utter_you_are_welcome",
             "affirm": "utter_affirm_ack", "deny": "utter_deny_ack", "out_of_scope": "utter_out_of_scope"}


class ActionReplySmallTalk(Action):
    def name(self) -> str:
        return "action_reply_small_talk"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        text = tracker.latest_message.get("text") or ""
        try:
            if intent in ("affirm", "deny"):
                chosen = confirmation_choice(tracker, intent == "affirm")
                if chosen is not None:
                    return answer_chosen(dispatcher, domain, tracker, *chosen)
            if not text.startswith("/"):
                ask = answer_if_known if intent == "out_of_scope" else answer_as_question
                events = ask(dispatcher, domain, tracker, text)
                if events is not None:
                    return events
        except KnowledgeBaseError:
            log.exception("knowledge base unavailable")
        dispatcher.utter_message(response=RESPONSES.get(intent, "utter_default"))
        return []


def answer_as_question(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker,
                       text: str) -> list[dict] | None:
    """The answer if the message reads as a procedure question, else None."""
    compared = answer_comparison(dispatcher, domain, tracker, knowledge_base(), text)
    if compared is not None:       # "cái nào rẻ hơn" is not a thank-you
        return compared
    reading = read(text)
    current = tracker.get_slot("procedure_id")
    if reading.detail and (current or reading.names_something):
        return answer_follow_up(dispatcher, domain, tracker, reading.detail)
    if current and is_yes_no(text):      # "vậy có cần chủ nhà đồng ý không" is not a yes
        record = knowledge_base().get(current)
        if isinstance(record, Procedure):
            return answer_yes_no(dispatcher, domain, tracker, record, text)
    if reading.names_something:
        result = knowledge_base().search(text)
        if result.decision == "answer":
            return answer_record(dispatcher, domain, result.hits[0].record, tracker)
        if not says_small_talk(text):
            # no greeting, thanks or goodbye in it, but words that name something ("dang ky ket
            # hom"): a question the knowledge base is unsure of, answered as such
            return answer_result(dispatcher, domain, tracker, search_question(knowledge_base(), text))
    return None


def answer_if_known(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker,
                    text: str) -> list[dict] | None:
    """The answer to a message NLU took for off-topic, only if the knowledge base clearly knows
    it ("giá vàng hôm nay bao nhiêu" is not a fee question)."""
    if search_question(knowledge_base(), text).decision != "answer":
        return None
    return answer_question(dispatcher, domain, tracker, text)


def confirmation_choice(tracker: Tracker, yes: bool) -> tuple[str, str] | None:
    """(detail intent, record id) of the button a yes or no picks, when the bot's last message
    asked to confirm a switch of procedure; else None."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            if (event.get("metadata") or {}).get("utter_action") != "utter_confirm_switch":
                return None
            buttons = (event.get("data") or {}).get("buttons") or []
            if len(buttons) < 2:
                return None
            payload = buttons[0 if yes else 1]["payload"]
            intent, _, entities = payload.lstrip("/").partition("{")
            return intent, json.loads("{" + entities)["procedure_id"]
    return None


def answer_chosen(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker, intent: str,
                  record_id: str) -> list[dict]:
    record = knowledge_base().get(record_id)
    if not isinstance(record, Procedure):
        dispatcher.utter_message(response="utter_ask_which_procedure")
        return []
    return answer_detail(dispatcher, domain, tracker, record, intent)
