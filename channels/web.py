"""The web chat: Rasa's REST protocol plus the chat page itself, served by the Rasa server.

GET  /webhooks/web/chat     the page (Vietnamese UI, buttons, phone-sized screens)
GET  /webhooks/web/privacy  what is kept about the citizen and for how long (README, "Personal data")
POST /webhooks/web/webhook  {"sender": "...", "message": "..."} -> [{"text": ..., "buttons": [...]}]
                            (the conversation is "web-<sender>"; see channels/rest.py)
"""
from __future__ import annotations

import html
import string
from pathlib import Path
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import envconfig
from channels.rest import GuardedRestInput, client_address

PAGE = Path(__file__).with_name("static") / "webchat.html"
PRIVACY_PAGE = Path(__file__).with_name("static") / "privacy.html"


def privacy_page() -> str:
    """The privacy notice with this deployment's retention periods and contact."""
    return string.Template(PRIVACY_PAGE.read_text(encoding="utf-8")).substitute(
        conversation_days=envconfig.conversation_retention_days(), journal_days=envconfig.journal_retention_days(),
        contact=html.escape(envconfig.privacy_contact()))


class WebChatInput(GuardedRestInput):
    namespace = "web-"          # its conversations: no other channel can address them (channels/rest.py)

    def get_metadata(self, request: Request) -> dict[str, Any]:
        return {"client_ip": client_address(request)}       # failed dossier checks are limited per address

    @classmethod
    def name(cls) -> str:
        return "web"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.route("/chat", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return response.html(PAGE.read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})

        @blueprint.route("/privacy", methods=["GET"])
        async def privacy(request: Request) -> HTTPResponse:
            return response.html(privacy_page(), headers={"Cache-Control": "no-cache"})

        return blueprint
