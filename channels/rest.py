"""Rasa's REST protocol, guarded: the integrators' channel (`rest`) and the base of the web chat's.

Rasa's own RestInput takes any JSON, the sender the client names and the input channel it
claims. Here:
- a body that is not {"sender": str, "message": str} gets 400 (not a 500); a message longer than
  MAX_MESSAGE characters is answered with a notice and never reaches NLU or search;
- the input channel is always this channel's name; the web chat (browsers call it directly)
  puts the client's address into the message metadata, so that the dossier look-up limits
  failed checks per address (an integrator's callers are told apart by their senders);
- no caller can address another channel's conversations: the web chat puts its senders in
  the `web-` namespace, and the REST channel refuses senders in any other channel's namespace;
- the REST channel is for integrators: callers on this machine (loopback: tests, a local
  widget proxy), or anywhere with `Authorization: Bearer $REST_API_TOKEN` when it is set.
"""
from __future__ import annotations

import hmac
import ipaddress
import re
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage as BadRequest   # HTTP 400 (Sanic 21, pinned by Rasa)
from sanic.request import Request

from channels.notices import notice, refusal
from envconfig import getenv

OTHER_CHANNELS = ("telegram-", "zalo-", "web-")     # namespaces of the other connectors' conversations
SENDER = re.compile(r"[A-Za-z0-9_.:-]{1,80}")
MAX_BODY_MESSAGE = 100_000                          # characters: a longer "message" is refused (400)


class GuardedRestInput(RestInput):
    namespace = ""                                  # prefix of this channel's sender ids
    sender_field = "sender"                         # the body's field naming the conversation

    def _body(self, request: Request) -> dict[str, Any]:
        sender_field = self.sender_field
        try:
            body = request.json
        except Exception:  # noqa: BLE001 — Sanic raises its own error for a body that is not JSON
            body = None
        if not isinstance(body, dict) or not isinstance(body.get(sender_field), str) \
                or not isinstance(body.get("message"), str):
            raise BadRequest(f'expected {{"{sender_field}": "...", "message": "..."}}')
        if len(body["message"]) > MAX_BODY_MESSAGE:
            raise BadRequest(f"a message has at most {MAX_BODY_MESSAGE} characters")
        return body

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def within_limits(message: UserMessage) -> None:
            """An empty message, or one longer than MAX_MESSAGE, is answered with a notice; it never
            reaches NLU or search."""
            refused = refusal(message.text or "")
            if refused is not None:
                await message.output_channel.send_text_message(message.sender_id, notice(refused))
                return
            await on_new_message(message)

        return super().blueprint(within_limits)

    async def _extract_sender(self, request: Request) -> Optional[str]:
        sender = self._body(request)["sender"]
        if not SENDER.fullmatch(sender):
            raise BadRequest("sender: 1-80 characters of A-Z a-z 0-9 _ . : -")
        return self.namespace + sender

    def _extract_message(self, request: Request) -> Optional[str]:
        return self._body(request)["message"]

    def _extract_input_channel(self, request: Request) -> str:
        return self.name()



def client_address(request: Request) -> str:
    return request.remote_addr or request.ip or ""


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class IntegratorInput(GuardedRestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, request: Request) -> Optional[str]:
        sender = await super()._extract_sender(request)
        if sender and sender.startswith(OTHER_CHANNELS):
            raise BadRequest("this sender belongs to another channel")
        return sender

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        token = getenv("REST_API_TOKEN")

        @blueprint.middleware("request")
        async def integrators_only(request: Request):
            offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if token and hmac.compare_digest(offered.encode(), token.encode()):
                return None
            if is_loopback(client_address(request)) and not offered:
                return None
            return response.json({"error": "the REST channel is for integrators: set REST_API_TOKEN and send "
                                           "Authorization: Bearer <token>"}, status=403)

        return blueprint
