"""The webhook pipeline every connector plugs into.

    POST /webhooks/<name>/webhook
      disabled?            -> 503 {"error": ...}        (settings missing; logged once at start-up)
      authenticate()       -> 401 when the secret/signature is wrong
      parse()              -> 400 when the payload is not the platform's
      de-duplicate          (a repeated event id is acknowledged and dropped)
      handle() each event   inline, or in the background when `background` (ack first)
    -> 200 {"status": "ok", "accepted": <new events>}

handle(): a text goes to Rasa through `BufferedOutput`, which collects the bot's messages for
the turn; then `deliver()` sends them the platform's way (chunked, merged, buttons mapped).
A connector is a subclass that says how to authenticate, parse and deliver (docs/channels.md).
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, ClassVar, Mapping, Optional, Sequence

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import ChannelsError
from channels.buttons import ButtonStore
from channels.dedup import RecentIds
from channels.notices import notice, refusal
from channels.push import PushKeys, add_notify_route
from channels.replies import Reply
from channels.safelog import get_logger, quiet_http_loggers, who
from channels.settings import Settings

logger = get_logger(__name__)

WELCOME = "/greet"   # what a "start"/"follow" event says to Rasa: the greeting with example questions


class MalformedPayload(ChannelsError):
    """The request body is not an event of the platform."""


@dataclass(frozen=True)
class Incoming:
    """One platform event, reduced to what the pipeline needs."""

    event_id: str                    # de-duplication key (unique per platform event)
    user_id: str                     # the platform's address of the citizen: replies go there
    text: Optional[str] = None       # a turn for Rasa ...
    notice: Optional[str] = None     # ... or a notice (notices.yml) answered without Rasa
    receipt: Optional[str] = None    # a platform handle to acknowledge (Telegram callback query id)
    metadata: Mapping[str, Any] = field(default_factory=dict)


def typed_text(text: str) -> str:
    """What a citizen typed, as Rasa should read it: a leading "/" would be taken as an intent
    name, so typed text cannot trigger intents directly (buttons carry those payloads)."""
    return text.strip().lstrip("/").strip()


def json_body(request: Request, ids_as_strings: bool = False) -> Any:
    """The request's JSON; `ids_as_strings` keeps every integer as a string (Zalo's ids exceed 2^53)."""
    try:
        return json.loads(request.body or b"", parse_int=str if ids_as_strings else int)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedPayload("the body is not JSON") from exc


class BufferedOutput(OutputChannel):
    """Collects what Rasa says during one turn, for the connector to deliver afterwards."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []

    @classmethod
    def name(cls) -> str:
        return "buffered"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        reply = Reply.from_rasa(message)
        if reply.text or reply.buttons:
            self.replies.append(reply)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.replies.append(Reply(text))


class DeliveringOutput(BufferedOutput):
    """Messages sent outside a citizen's turn (a staff member's reply through Rasa's HTTP API with
    output_channel=latest): each delivered to the platform at once."""

    def __init__(self, connector: "ConnectorInput") -> None:
        super().__init__()
        self.connector = connector

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await super().send_response(recipient_id, message)
        await self._flush(recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, text)
        await self._flush(recipient_id)

    async def _flush(self, recipient_id: str) -> None:
        replies, self.replies = self.replies, []
        if replies:
            await self.connector.deliver(recipient_id.removeprefix(f"{self.connector.name()}-"), replies)


class ConnectorInput(InputChannel):
    """Base of our chat-platform connectors (a Rasa input channel; output via `deliver`)."""

    background: ClassVar[bool] = False    # True: answer the webhook at once, process afterwards

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.from_env()
        self.seen = RecentIds()
        self._buttons: ButtonStore | None = None
        self._pushed: PushKeys | None = None
        self._tasks: set[asyncio.Task] = set()
        quiet_http_loggers()

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "ConnectorInput":
        return cls(Settings.from_env())

    # --- what a connector provides -------------------------------------------------------
    def disabled_reason(self) -> str | None:
        """None when configured; otherwise why not (shown to the caller and logged once)."""
        raise NotImplementedError

    def authenticate(self, request: Request) -> bool:
        raise NotImplementedError

    def parse(self, request: Request) -> Sequence[Incoming]:
        """The events of an authenticated request; raises MalformedPayload."""
        raise NotImplementedError

    async def deliver(self, user_id: str, replies: Sequence[Reply]) -> Optional[bool]:
        """Send the bot's replies of one turn; log platform errors, never raise them. False when a
        message did not go (a connector that does not say counts as sent)."""
        raise NotImplementedError

    async def push(self, user_id: str, reply: Reply) -> str:
        """A notification from the worker (channels/push.py): "sent", "held" (not now) or "failed"."""
        return "failed" if await self.deliver(user_id, [reply]) is False else "sent"

    async def acknowledge(self, incoming: Incoming) -> None:
        """Tell the platform an event was received (e.g. stop a button's spinner)."""

    async def start(self) -> None:
        """After the server started (only when enabled): e.g. register the webhook."""

    async def stop(self) -> None:
        """Before the server stops: close clients."""

    # --- shared --------------------------------------------------------------------------
    def get_output_channel(self) -> OutputChannel:
        return DeliveringOutput(self)

    @property
    def buttons(self) -> ButtonStore:
        if self._buttons is None:
            self._buttons = ButtonStore(self.settings.state_dir / "buttons.sqlite3")
        return self._buttons

    @property
    def pushed(self) -> PushKeys:
        if self._pushed is None:
            self._pushed = PushKeys(self.settings.state_dir / "pushed.sqlite3")
        return self._pushed

    def sender_id(self, user_id: str) -> str:
        """The Rasa conversation id: platform ids of different channels may collide."""
        return f"{self.name()}-{user_id}"

    async def handle(self, incoming: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """One event, end to end; never raises (a failure is logged and the citizen told)."""
        try:
            await self.acknowledge(incoming)
            refused = refusal(incoming.text) if incoming.text is not None else None
            if refused is not None:
                replies = [Reply(notice(refused))]
            elif incoming.text is not None:
                output = BufferedOutput()
                await on_new_message(UserMessage(incoming.text, output, self.sender_id(incoming.user_id),
                                                 input_channel=self.name(), metadata=dict(incoming.metadata)))
                replies = output.replies
            elif incoming.notice is not None:
                replies = [Reply(notice(incoming.notice))]
            else:
                return
        except Exception:
            logger.exception("%s: the turn of %s failed", self.name(), who(incoming.user_id))
            replies = [Reply(notice("technical_problem"))]
        try:
            if replies:
                await self.deliver(incoming.user_id, replies)
        except Exception:
            logger.exception("%s: delivering to %s failed", self.name(), who(incoming.user_id))

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for the background work in progress (at shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint(f"{self.name()}_webhook", __name__)
        reason = self.disabled_reason()
        if reason:
            logger.warning("%s", reason)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "disabled", "reason": reason} if reason else {"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if reason:
                return response.json({"error": reason}, status=503)
            if not self.authenticate(request):
                return response.json({"error": "unauthorized: wrong or missing signature/secret"}, status=401)
            try:
                events = self.parse(request)
            except MalformedPayload as exc:
                return response.json({"error": f"malformed payload: {exc}"}, status=400)
            except Exception:
                logger.warning("%s: unreadable payload", self.name(), exc_info=True)
                return response.json({"error": "malformed payload"}, status=400)
            fresh = [event for event in events if self.seen.add(event.event_id)]
            for event in fresh:
                if self.background:
                    self._spawn(self.handle(event, on_new_message))
                else:
                    await self.handle(event, on_new_message)
            return response.json({"status": "ok", "accepted": len(fresh)})

        if not reason:
            add_notify_route(blueprint, self.sender_id(""), lambda: self.pushed, self.push)

        @blueprint.listener("after_server_start")
        async def started(app: Any, loop: Any) -> None:
            if not reason:
                try:
                    await self.start()
                except Exception:
                    logger.exception("%s: start-up step failed (the webhook still answers)", self.name())

        @blueprint.listener("before_server_stop")
        async def stopping(app: Any, loop: Any) -> None:
            await self.drain()
            await self.stop()

        return blueprint
