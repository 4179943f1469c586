"""The web chat: Rasa's REST protocol plus the chat page itself, served by the Rasa server.

GET  /webhooks/web/chat     the page (Vietnamese UI, buttons, phone-sized screens)
GET  /webhooks/web/privacy  what is kept about the citizen and for how long (README, "Personal data")
GET  /webhooks/web/session  {"session": token}: a new conversation (channels/web_session.py)
POST /webhooks/web/webhook  {"session": token, "message": "..."} -> [{"text": ..., "buttons": [...]}],
                            the renewed token in the X-Session header; 401 when the session is not ours
                            or has expired (the conversation is "web-<session id>"; see channels/rest.py)
GET  /webhooks/web/notifications?session=token -> [{"text", "buttons", "staff"?}]: what was sent to the
                            conversation outside its turns, each given once (the page polls while open):
                            dossier notifications, and a staff member's replies after a hand-off (through
                            Rasa's HTTP API with output_channel=latest; "staff": true)
POST /webhooks/web/notify   the notification worker's (channels/push.py)
Both pages are sent with a Content-Security-Policy and frame protection.
"""
from __future__ import annotations

import html
import logging
import secrets
import string
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import Unauthorized
from sanic.request import Request
from sanic.response import HTTPResponse

import envconfig
from channels.push import PushKeys, add_notify_route
from channels.replies import Reply
from channels.rest import GuardedRestInput, client_address
from channels.settings import Settings
from channels.web_inbox import WebInbox
from channels.web_session import SessionTokens

logger = logging.getLogger(__name__)
PAGE = Path(__file__).with_name("static") / "webchat.html"
PRIVACY_PAGE = Path(__file__).with_name("static") / "privacy.html"


def privacy_page() -> str:
    """The privacy notice with this deployment's retention periods and contact."""
    return string.Template(PRIVACY_PAGE.read_text(encoding="utf-8")).substitute(
        conversation_days=envconfig.conversation_retention_days(), journal_days=envconfig.journal_retention_days(),
        contact=html.escape(envconfig.privacy_contact()))


PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
                               "'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
                               "form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def session_tokens() -> SessionTokens:
    secret = envconfig.getenv("WEB_SESSION_SECRET")
    if len(secret) < 32:      # not run by the stack, which sets one: sessions end with this process
        logger.warning("WEB_SESSION_SECRET is not set (or shorter than 32 characters): web chat sessions "
                       "will not survive a restart")
        secret = secrets.token_urlsafe(48)
    return SessionTokens(secret, envconfig.positive_int("WEB_SESSION_MINUTES", 30, unit="minutes"))


class WebChatInput(GuardedRestInput):
    namespace = "web-"          # its conversations: no other channel can address them (channels/rest.py)
    sender_field = "session"    # a token this server issued, never a sender the client chooses

    def __init__(self) -> None:
        super().__init__()
        self.tokens = session_tokens()
        self._state: tuple[PushKeys, WebInbox] | None = None

    def get_output_channel(self) -> OutputChannel:
        """Rasa's HTTP API sends here (a staff reply): kept in the inbox for the page's next poll."""
        return InboxOutput(self.state()[1])

    def state(self) -> tuple[PushKeys, WebInbox]:
        if self._state is None:
            state_dir = Settings.from_env().state_dir
            self._state = PushKeys(state_dir / "pushed.sqlite3"), WebInbox(state_dir / "web_inbox.sqlite3")
        return self._state

    async def push(self, session_id: str, reply: Reply) -> str:
        self.state()[1].put(self.namespace + session_id, reply)
        return "sent"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "WebChatInput":
        return cls()

    async def _extract_sender(self, request: Request) -> Optional[str]:
        session_id = self.tokens.session_id(self._body(request)["session"])
        if session_id is None:
            raise Unauthorized("the web chat session is unknown or has expired: GET /webhooks/web/session")
        request.ctx.session_id = session_id
        return self.namespace + session_id

    def get_metadata(self, request: Request) -> dict[str, Any]:
        return {"client_ip": client_address(request)}       # failed dossier checks are limited per address

    @classmethod
    def name(cls) -> str:
        return "web"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.route("/chat", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return response.html(PAGE.read_text(encoding="utf-8"), headers=PAGE_HEADERS)

        @blueprint.route("/privacy", methods=["GET"])
        async def privacy(request: Request) -> HTTPResponse:
            return response.html(privacy_page(), headers=PAGE_HEADERS)

        @blueprint.route("/session", methods=["GET"])
        async def session(request: Request) -> HTTPResponse:
            return response.json({"session": self.tokens.issue(), "expires_in": self.tokens.lifetime},
                                 headers={"Cache-Control": "no-store"})

        add_notify_route(blueprint, self.namespace, lambda: self.state()[0], self.push)

        @blueprint.route("/notifications", methods=["GET"])
        async def notifications(request: Request) -> HTTPResponse:
            session_id = self.tokens.session_id(request.args.get("session"))
            if session_id is None:
                return response.json({"error": "the web chat session is unknown or has expired"}, status=401)
            return response.json(self.state()[1].take(self.namespace + session_id),
                                 headers={"Cache-Control": "no-store"})

        @blueprint.middleware("response")
        async def renew(request: Request, reply: HTTPResponse) -> None:
            session_id = getattr(request.ctx, "session_id", None)
            if session_id:
                reply.headers["X-Session"] = self.tokens.issue(session_id)

        return blueprint


class InboxOutput(CollectingOutputChannel):
    """What Rasa sends outside a turn (a staff member's reply), kept until the page fetches it."""

    def __init__(self, inbox: WebInbox) -> None:
        super().__init__()
        self.inbox = inbox

    @classmethod
    def name(cls) -> str:
        return "web"

    async def _persist_message(self, message: dict[str, Any]) -> None:
        self.inbox.put_message(message["recipient_id"],
                               {**{k: v for k, v in message.items() if k != "recipient_id"}, "staff": True})
