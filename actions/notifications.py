"""Following a dossier in chat: "báo cho tôi khi hồ sơ có thay đổi", "hồ sơ tôi đang theo dõi",
"hủy theo dõi". Only a dossier this conversation just passed the owner check for can be followed
(notifications.subscriptions); all wording is in bot/domain/notifications.yml."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from appdb.engine import engine
from dossiers import DossierError
from dossiers.codes import masked_code
from dossiers.lookup import dossier_lookup
from notifications import PUSH_CHANNELS, subscriptions
from notifications.settings import NotifySettings
from actions.responses import phrase

log = logging.getLogger(__name__)


def channel_of(tracker: Tracker) -> str:
    """The channel a conversation came from: its sender id's namespace (telegram-…, zalo-…, web-…)."""
    prefix = tracker.sender_id.split("-", 1)[0]
    return prefix if prefix in PUSH_CHANNELS else "rest"


class ActionSubscribeDossier(Action):
    def name(self) -> str:
        return "action_subscribe_dossier"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        channel = channel_of(tracker)
        if channel not in PUSH_CHANNELS:
            dispatcher.utter_message(response="utter_notify_channel_unsupported")
            return []
        settings = NotifySettings.from_env()
        try:
            code = await asyncio.to_thread(subscriptions.offered, engine(), tracker.sender_id, settings.offer_minutes)
            if code is None:
                dispatcher.utter_message(response="utter_notify_look_up_first")
                return []
            sub, _new = await asyncio.to_thread(subscriptions.subscribe, engine(), tracker.sender_id, channel, code)
        except SQLAlchemyError:
            log.exception("subscribing failed")
            dispatcher.utter_message(response="utter_notify_unavailable")
            return []
        quiet = settings.quiet and phrase(domain, "utter_notify_quiet_hours", start=f"{settings.quiet[0]:%H:%M}",
                                          end=f"{settings.quiet[1]:%H:%M}")
        dispatcher.utter_message(response="utter_notify_subscribed", code=masked_code(sub.dossier_code),
                                 quiet=quiet or "")
        dispatcher.utter_message(response=f"utter_notify_subscribed_{channel}")
        return []


class ActionListSubscriptions(Action):
    def name(self) -> str:
        return "action_list_subscriptions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        try:
            followed = await asyncio.to_thread(subscriptions.active, engine(), tracker.sender_id)
        except SQLAlchemyError:
            log.exception("listing subscriptions failed")
            dispatcher.utter_message(response="utter_notify_unavailable")
            return []
        if not followed:
            dispatcher.utter_message(response="utter_notify_none")
            return []
        lines = []
        for sub in followed:
            lines.append(f"• {masked_code(sub.dossier_code)}: {await asyncio.to_thread(status_of, sub.dossier_code)}")
        dispatcher.utter_message(response="utter_notify_list", dossiers="\n".join(lines),
                                 buttons=stop_buttons(domain, followed))
        return []


def status_of(code: str) -> str:
    """The dossier's current status, in the portal's words (the owner check passed when it was followed)."""
    try:
        dossier = dossier_lookup().store.get(code)
    except DossierError:
        return "—"
    return dossier.status.label if dossier else "—"


def stop_buttons(domain: dict[str, Any], followed: list[subscriptions.Subscription]) -> list[dict[str, str]]:
    return [{"title": phrase(domain, "utter_notify_button_stop_one", last=s.dossier_code[-2:]),
             "payload": "/unsubscribe_dossier" + json.dumps({"watch_id": s.public_id})} for s in followed]


class ActionUnsubscribeDossier(Action):
    """A button's subscription id, or the only one; with several and no id, the citizen chooses."""

    def name(self) -> str:
        return "action_unsubscribe_dossier"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        watch_id = tracker.get_slot("watch_id")
        try:
            followed = await asyncio.to_thread(subscriptions.active, engine(), tracker.sender_id)
            if not watch_id and len(followed) > 1:
                dispatcher.utter_message(response="utter_notify_which", buttons=stop_buttons(domain, followed))
                return [SlotSet("watch_id", None)]
            cancelled = await asyncio.to_thread(subscriptions.cancel, engine(), tracker.sender_id, watch_id or None)
        except SQLAlchemyError:
            log.exception("unsubscribing failed")
            dispatcher.utter_message(response="utter_notify_unavailable")
            return [SlotSet("watch_id", None)]
        if cancelled:
            dispatcher.utter_message(response="utter_notify_cancelled",
                                     code=", ".join(masked_code(s.dossier_code) for s in cancelled))
        else:
            dispatcher.utter_message(response="utter_notify_none")
        return [SlotSet("watch_id", None)]
