"""Hand-off to a human: recorded for staff, and the bot pauses for this conversation.

The pause is not forever: "quay lại trợ lý ảo" and "/restart" are Rasa's restart intent, which
a paused conversation still handles (utter_restart), and a new session (after the domain's
session_expiration_time without messages) starts unpaused. Asking for a phone number is not a
hand-off: it gets the hotline answer of the catalog. After the hand-off message the citizen is told
honestly what to expect: within HANDOFF_HOURS, how many requests wait and the expected wait
(HANDOFF_MINUTES_PER_REQUEST each); outside them, that nobody answers before the next opening.
Staff answer and hand back from the workspace (workspace/handoff.py).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import knowledge_base
from actions.procedures import answer_record
from appdb.handoffs import waiting
from appdb.journal import record_handoff
from envconfig import SettingsError, getenv, positive_int
from knowledge_base import KnowledgeBaseError

HOTLINE_FAQ = "faq-duong-day-nong"   # the catalog's answer about hotline numbers
HANOI = dt.timezone(dt.timedelta(hours=7))
DAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def working_hours(value: str | None = None) -> tuple[int, int, dt.time, dt.time]:
    """HANDOFF_HOURS, e.g. "1-5 08:00-17:00": ISO weekdays (1 = Monday) and hours, Hanoi time."""
    value = value if value is not None else getenv("HANDOFF_HOURS", "1-5 08:00-17:00")
    try:
        days, hours = value.split()
        first, last = (int(d) for d in days.split("-"))
        opens, closes = (dt.time.fromisoformat(h) for h in hours.split("-"))
        if not 1 <= first <= last <= 7 or opens >= closes:
            raise ValueError
    except ValueError:
        raise SettingsError("HANDOFF_HOURS", value, "weekdays and hours like '1-5 08:00-17:00'") from None
    return first, last, opens, closes


def availability(now: dt.datetime, hours: tuple[int, int, dt.time, dt.time]) -> tuple[bool, dt.datetime, str]:
    """(staff at work now, the next opening, the hours in words)."""
    first, last, opens, closes = hours
    local = now.astimezone(HANOI)
    described = f"{DAYS[first - 1]}–{DAYS[last - 1]}, {opens:%H:%M}–{closes:%H:%M}"
    if first <= local.isoweekday() <= last and opens <= local.time() < closes:
        return True, local, described
    day = local.date() + dt.timedelta(days=0 if local.time() < opens else 1)
    while not first <= day.isoweekday() <= last:
        day += dt.timedelta(days=1)
    return False, dt.datetime.combine(day, opens, HANOI), described


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        channel = tracker.get_latest_input_channel() or "unknown"
        ahead = waiting()
        record_handoff(channel, tracker.sender_id, tracker.get_slot("procedure_id"))
        dispatcher.utter_message(response="utter_handoff")
        at_work, next_open, hours = availability(dt.datetime.now(dt.timezone.utc), working_hours())
        if at_work:
            minutes = (ahead + 1) * positive_int("HANDOFF_MINUTES_PER_REQUEST", 10, unit="minutes")
            dispatcher.utter_message(response="utter_handoff_wait", hours=hours, waiting=ahead, minutes=minutes)
        else:
            day = DAYS[next_open.isoweekday() - 1]
            dispatcher.utter_message(response="utter_handoff_closed", hours=hours,
                                     next_open=f"{next_open:%H:%M} {day} {next_open:%d/%m}")
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
