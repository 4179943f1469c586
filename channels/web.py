"""The web chat: Rasa's REST protocol plus the chat page itself, served by the Rasa server.

GET  /webhooks/web/chat     the page (Vietnamese UI, buttons, phone-sized screens)
POST /webhooks/web/webhook  {"sender": "...", "message": "..."} -> [{"text": ..., "buttons": [...]}]
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

PAGE = Path(__file__).with_name("static") / "webchat.html"


class WebChatInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "web"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.route("/chat", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return response.html(PAGE.read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})

        return blueprint
