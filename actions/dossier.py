"""Dossier status in chat: the form's validation, the checked look-up, and the answer.

Nothing about a dossier is said before the check passes; an unknown code and wrong digits get
the same reply; malformed or oversized input gets a clear message and changes nothing (it is
neither looked up nor counted as a failed check). All wording is in bot/domain/dossier.yml.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from sqlalchemy.exc import SQLAlchemyError

from appdb.engine import engine
from dossiers import DossierError, InvalidDossierCode
from dossiers.checks import CHECK_LENGTH, mask_name
from dossiers.codes import find_code, remove_codes
from dossiers.lookup import Found, Locked, NotFound, dossier_lookup
from dossiers.model import Dossier, Status, today
from dossiers.wording import apology, status_text, vn_date
from notifications import PUSH_CHANNELS
from notifications.settings import NotifySettings
from notifications.subscriptions import remember_offer
from actions.notifications import channel_of
from actions.responses import phrase

log = logging.getLogger(__name__)
MAX_INPUT = 300          # characters; longer messages are refused without being parsed
_DIGITS = re.compile(r"\d+")
FULL_NUMBER = 9          # a digit group this long is a whole phone or ID number
# A code copied with spaces, dots or dashes of any kind between its parts, in any case.
_LOOSE_CODE = re.compile(r"(?<![\w.])(\d{3})[.\s]+(\d{2})[.\s]+(\d{2})[.\s]+([A-Za-z]\d{2})\s*[-–—.\s]\s*(\d{6})"
                         r"\s*[-–—.\s]\s*(\d{4})(?!\d)")
SLOTS = ("dossier_code", "dossier_check_digits")


def clear_slots() -> list[dict]:
    return [SlotSet(name, None) for name in SLOTS]


class ValidateDossierForm(FormValidationAction):
    def name(self) -> str:
        return "validate_dossier_form"

    def validate_dossier_code(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        text = str(value or "")
        if in_group_chat(tracker):
            dispatcher.utter_message(response="utter_dossier_private_only")
            return {"dossier_code": None}
        if too_long(text, tracker):
            dispatcher.utter_message(response="utter_dossier_input_too_long")
            return {"dossier_code": None}
        code = find_code(tidy_codes(text))
        if code is None:
            dispatcher.utter_message(response="utter_invalid_dossier_code")
        return {"dossier_code": code}

    def validate_dossier_check_digits(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        text = tidy_codes(str(value or ""))
        if too_long(text, tracker):
            dispatcher.utter_message(response="utter_dossier_input_too_long")
            return {"dossier_check_digits": None}
        digits = check_digits_in(text)
        if digits is None and find_code(text) is None:    # a (new) code alone: taken by its own slot, re-ask
            groups = _DIGITS.findall(remove_codes(text))
            full = any(len(g) >= FULL_NUMBER for g in groups)
            dispatcher.utter_message(response="utter_dossier_full_number_given" if full
                                     else "utter_invalid_dossier_check_digits")
        return {"dossier_check_digits": digits}


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """What the channel told about the latest message (channels/rest.py, channels/telegram.py)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def client_address(tracker: Tracker) -> str | None:
    """The caller's address, where the channel knows it (the web chat)."""
    return message_metadata(tracker).get("client_ip") or None


def in_group_chat(tracker: Tracker) -> bool:
    """A Telegram group, supergroup or channel: a dossier is looked up only in a private chat."""
    return message_metadata(tracker).get("chat_type") in ("group", "supergroup", "channel")


def tidy_codes(text: str) -> str:
    """Dossier codes in a message rewritten in their written form (000.00.53.H26-240115-0012)."""
    return _LOOSE_CODE.sub(lambda m: "{}.{}.{}.{}-{}-{}".format(*m.groups()), text)


def too_long(value: str, tracker: Tracker) -> bool:
    """An oversized slot value or message (a code found inside a huge message is not taken either)."""
    return max(len(value), len(tracker.latest_message.get("text") or "")) > MAX_INPUT


def check_digits_in(text: str) -> str | None:
    """The 4 check digits in a message ("5678", "4 số cuối là 5678", "56 78"), codes aside; else None."""
    groups = [g for g in _DIGITS.findall(remove_codes(text)) if g.isascii()]
    exact = [g for g in groups if len(g) == CHECK_LENGTH]
    if len(exact) == 1:
        return exact[0]
    joined = "".join(groups)
    return joined if len(joined) == CHECK_LENGTH else None


class ActionCheckDossierStatus(Action):
    """The form is complete: check the digits (with lock-out), answer, and forget both slots.

    A found dossier's knowledge-base procedure becomes the procedure under discussion."""

    def name(self) -> str:
        return "action_check_dossier_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        code, digits = (tracker.get_slot(name) for name in SLOTS)
        if not code or not digits:
            dispatcher.utter_message(response="utter_ask_dossier_code")
            return clear_slots()
        if in_group_chat(tracker):           # the answer would go to everyone in the group
            dispatcher.utter_message(response="utter_dossier_private_only")
            return clear_slots()
        now = dt.datetime.now(dt.timezone.utc)
        try:
            # In a worker thread: rasa_sdk runs every action on one event loop, and a slow
            # one-stop-shop system (or database) must not hold up the other conversations.
            client = client_address(tracker)
            outcome = await asyncio.to_thread(
                lambda: dossier_lookup().check(tracker.sender_id, code, digits, now, client=client))
        except (InvalidDossierCode, ValueError):
            dispatcher.utter_message(response="utter_invalid_dossier_code")
            return clear_slots()
        except DossierError as error:
            log.error("dossier look-up unavailable: %s", error)
            dispatcher.utter_message(response="utter_dossier_unavailable")
            return clear_slots()
        if isinstance(outcome, Found):
            for response, values in DossierReply(domain).messages(outcome.dossier, today()):
                dispatcher.utter_message(response=response, **values)
            await offer_notifications(dispatcher, tracker, outcome.dossier)
            if outcome.dossier.procedure_id:   # follow-ups ("lệ phí bao nhiêu?") are about this procedure
                return clear_slots() + [SlotSet("procedure_id", outcome.dossier.procedure_id)]
        elif isinstance(outcome, NotFound):
            dispatcher.utter_message(response="utter_dossier_not_found")
            if outcome.locked_until:
                dispatcher.utter_message(response="utter_dossier_locked", minutes=minutes_until(outcome.locked_until,
                                                                                                now))
        elif isinstance(outcome, Locked):
            dispatcher.utter_message(response="utter_dossier_locked", minutes=minutes_until(outcome.until, now))
        return clear_slots()


async def offer_notifications(dispatcher: CollectingDispatcher, tracker: Tracker, dossier: Dossier) -> None:
    """After a passed check, on a channel that can notify: the "báo cho tôi khi hồ sơ có thay đổi" button
    (actions/notifications.py subscribes to this dossier); not for a closed dossier."""
    if channel_of(tracker) not in PUSH_CHANNELS or not (dossier.status.in_progress
                                                          or dossier.status is Status.PROCESSED):
        return
    try:
        minutes = NotifySettings.from_env().offer_minutes
        await asyncio.to_thread(remember_offer, engine(), tracker.sender_id, dossier.code, minutes)
    except SQLAlchemyError:
        log.exception("the notification offer could not be kept")
        return
    dispatcher.utter_message(response="utter_notify_offer")


class ActionClearDossierLookup(Action):
    """The look-up was abandoned (cancelled, or a human asked for): forget what was given."""

    def name(self) -> str:
        return "action_clear_dossier_lookup"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        return clear_slots()


def minutes_until(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


class DossierReply:
    """The answer about a checked dossier, as (response, values) pairs: the summary, then any apology."""

    def __init__(self, domain: dict[str, Any]):
        self.domain = domain

    def _say(self, response: str, **values: Any) -> str:
        return phrase(self.domain, response, **values)

    def messages(self, dossier: Dossier, on: dt.date) -> list[tuple[str, dict[str, str]]]:
        summary = {
            "code": dossier.code, "procedure": dossier.procedure_name,
            "applicant": mask_name(dossier.applicant.name), "received": vn_date(dossier.received_on),
            "due": vn_date(dossier.due_on), "timing": self.timing(dossier, on), "unit": dossier.handling_unit,
            "status": status_text(self._say, dossier.status, dossier.status_note, dossier.missing_documents,
                                  dossier.supplement_place, dossier.collection_method, dossier.collection_place),
        }
        messages = [("utter_dossier_summary", summary)]
        if dossier.is_overdue(on):
            messages.append(apology(self._say, dossier.apology_letter, dossier.new_due_on, dossier.handling_unit))
        return messages

    def timing(self, dossier: Dossier, on: dt.date) -> str:
        if not dossier.status.in_progress:
            return ""
        days = dossier.days_to_due(on)
        if days > 0:
            return self._say("utter_dossier_days_left", days=days)
        if days == 0:
            return self._say("utter_dossier_due_today")
        return self._say("utter_dossier_days_late", days=-days)
