"""Zalo Official Account connector: webhook /webhooks/zalo/webhook, replies by the OA's
customer-service message API.

Settings (.env.example): ZALO_APP_ID (enables the channel), ZALO_OA_SECRET_KEY (webhook
signature), ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN (initial pair), ZALO_APP_SECRET (token
refresh), ZALO_API_BASE_URL, ZALO_OAUTH_BASE_URL, ZALO_TOKEN_FILE (the refreshed pair).

Zalo retries a webhook not answered within about 2 s, so events are acknowledged first and
processed in the background. Replies to a user are free only up to 8 messages in 48 h: the
bot's messages of one turn are merged into as few Zalo messages as possible. A query button
(`oa.query.show`) sends its payload back as the user's own visible message, so it carries the
button's title, which maps back to the Rasa payload for that user (channels.buttons).
"""
from __future__ import annotations

import json
import time
from typing import Any, Sequence

import httpx
from sanic.request import Request

from channels.auth import zalo_signature_ok
from channels.base import WELCOME, ConnectorInput, Incoming, MalformedPayload, json_body, typed_text
from channels.buttons import ButtonStore
from channels.chunking import split_text
from channels.notices import notice
from channels.replies import Button, Reply
from channels.safelog import get_logger, who
from channels.settings import Settings
from channels.zalo_api import ZaloApi, ZaloApiError
from channels.zalo_window import FreeWindow

logger = get_logger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
TEXT_LIMIT = 2000           # characters per message
MAX_BUTTONS = 5             # buttons Zalo shows under one message
TITLE_LIMIT = 100           # characters of a button title


def button_scope(user_id: str) -> str:
    return f"zalo:{user_id}"


def _id(value: Any) -> str:
    return str(value) if isinstance(value, (str, int)) and str(value) else ""


def parse_event(body: Any, buttons: ButtonStore) -> list[Incoming]:
    """A webhook event as the pipeline's events (ids as strings)."""
    if not isinstance(body, dict) or not isinstance(body.get("event_name"), str):
        raise MalformedPayload("not a Zalo event (no event_name)")
    event = body["event_name"]
    sender = _id((body.get("sender") or {}).get("id")) if isinstance(body.get("sender"), dict) else ""
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    timestamp = _id(body.get("timestamp"))
    if event == "user_send_text":
        text, msg_id = message.get("text"), _id(message.get("msg_id"))
        if not sender or not msg_id or not isinstance(text, str):
            raise MalformedPayload("user_send_text without sender.id, message.msg_id or message.text")
        payload = buttons.recall(ButtonStore.key_for(text.strip(), scope=button_scope(sender)))
        return [Incoming(f"msg:{msg_id}", sender, text=payload if payload is not None else typed_text(text))]
    if event == "follow":
        follower = _id((body.get("follower") or {}).get("id")) if isinstance(body.get("follower"), dict) else sender
        if not follower:
            raise MalformedPayload("follow without follower.id")
        return [Incoming(f"follow:{follower}:{timestamp}", follower, text=WELCOME)]
    if event.startswith("user_send_"):      # image, sticker, gif, audio, video, file, location, link...
        if not sender:
            raise MalformedPayload(f"{event} without sender.id")
        msg_id = _id(message.get("msg_id")) or f"{event}:{sender}:{timestamp}"
        return [Incoming(f"msg:{msg_id}", sender, notice="text_only")]
    return []       # unfollow, user_seen_message, oa_send_* (our own messages echoed)...: nothing to say


def zalo_messages(replies: Sequence[Reply], user_id: str, buttons: ButtonStore) -> list[dict[str, Any]]:
    """The replies of one turn merged into as few Zalo messages as possible: one text split under
    the limit, the buttons (at most MAX_BUTTONS per message) under the last messages."""
    text = "\n\n".join(reply.text.strip() for reply in replies if reply.text.strip())
    unique: dict[str, Button] = {}
    for reply in replies:
        for button in reply.buttons:
            unique.setdefault(button.payload, button)
    groups = [list(unique.values())[i:i + MAX_BUTTONS] for i in range(0, len(unique), MAX_BUTTONS)]
    pieces = split_text(text, TEXT_LIMIT)
    pieces += [notice("more_choices")] * max(0, len(groups) - len(pieces))
    messages: list[dict[str, Any]] = [{"text": piece} for piece in pieces]
    first_with_buttons = len(messages) - len(groups)
    for offset, group in enumerate(groups):
        messages[first_with_buttons + offset]["attachment"] = {"type": "template", "payload": {"buttons": [
            _query_button(button, user_id, buttons) for button in group]}}
    return messages


def _query_button(button: Button, user_id: str, buttons: ButtonStore) -> dict[str, str]:
    title = button.title.strip()[:TITLE_LIMIT] or "…"
    buttons.remember(button.payload, scope=button_scope(user_id), label=title)
    return {"title": title, "type": "oa.query.show", "payload": title}


class ZaloInput(ConnectorInput):
    """Rasa channel `zalo` (credentials.yml: channels.zalo.ZaloInput)."""

    background = True

    def __init__(self, settings: Settings | None = None, client: httpx.AsyncClient | None = None):
        super().__init__(settings)
        self.zalo = self.settings.zalo
        self.api = ZaloApi(self.zalo, client)
        self._window: FreeWindow | None = None

    @property
    def window(self) -> FreeWindow:
        """The citizen's free window (8 messages in 48 h after their last one), kept across restarts."""
        if self._window is None:
            self._window = FreeWindow(self.settings.state_dir / "zalo_window.sqlite3")
        return self._window

    @classmethod
    def name(cls) -> str:
        return "zalo"

    def disabled_reason(self) -> str | None:
        if self.zalo.enabled:
            return None
        return "The Zalo OA channel is disabled: ZALO_APP_ID is not set."

    def authenticate(self, request: Request) -> bool:
        """A correct signature, on an event signed within the last `max_event_age` seconds: a replayed
        event would spend the citizen's free replies (8 within 48 h)."""
        try:
            timestamp = json.loads(request.body or b"", parse_int=str).get("timestamp")
        except (ValueError, UnicodeDecodeError, AttributeError):
            return False
        return isinstance(timestamp, str) and timestamp.isdigit() and zalo_signature_ok(
            request.headers.get(SIGNATURE_HEADER), self.zalo.app_id, request.body, timestamp,
            self.zalo.oa_secret_key) and abs(time.time() - int(timestamp) / 1000) <= self.zalo.max_event_age

    def parse(self, request: Request) -> Sequence[Incoming]:
        return parse_event(json_body(request, ids_as_strings=True), self.buttons)

    async def handle(self, incoming: Incoming, on_new_message: Any) -> None:
        self.window.heard(incoming.user_id)         # the citizen wrote: the free window opens again
        await super().handle(incoming, on_new_message)

    async def deliver(self, user_id: str, replies: Sequence[Reply]) -> bool:
        for message in zalo_messages(replies, user_id, self.buttons):
            try:
                await self.api.send(user_id, message)
            except (ZaloApiError, httpx.HTTPError) as exc:
                logger.warning("Zalo: sending to %s failed: %s: %s", who(user_id), exc.__class__.__name__, exc)
                return False
            self.window.spent(user_id)
        return True

    async def push(self, user_id: str, reply: Reply) -> str:
        """Only inside the free window; outside it the worker holds the notification for the next message.
        (Zalo's paid template messages, which could go at any time, are not used: docs/channels.md.)"""
        if not self.window.is_open(user_id):
            return "held"
        return await super().push(user_id, reply)

    async def stop(self) -> None:
        await self.api.close()
