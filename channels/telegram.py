"""Telegram connector on python-telegram-bot: webhook /webhooks/telegram/webhook, or long polling.

Settings (.env.example): TELEGRAM_BOT_TOKEN (enables the channel), TELEGRAM_SECRET_TOKEN
(checked in X-Telegram-Bot-Api-Secret-Token; derived from the bot token when unset),
TELEGRAM_API_BASE_URL, TELEGRAM_WEBHOOK_URL (setWebhook at start-up when set).

Developers without a public URL run, next to `make run`:
    .venv-rasa/bin/python -m channels.telegram poll
which reads updates with getUpdates and forwards each one to the local webhook.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import warnings
from datetime import timedelta
from typing import Any, Awaitable, Callable, Optional, Sequence, TypeVar

import httpx
from sanic.request import Request
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import RetryAfter, TelegramError

from channels.auth import secret_matches
from channels.base import WELCOME, ConnectorInput, Incoming, MalformedPayload, json_body, typed_text
from channels.buttons import ButtonStore
from channels.chunking import split_text, utf16_len
from channels.replies import Reply
from channels.safelog import get_logger, quiet_http_loggers, register_secret, who
from channels.settings import Settings, TelegramSettings
from envconfig import load_dotenv

logger = get_logger(__name__)
T = TypeVar("T")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
TEXT_LIMIT = 4096           # sendMessage text, in UTF-16 code units
BUTTON_PREFIX = "b:"        # callback_data = "b:" + 12-character key (<= 64 bytes)
MAX_ATTEMPTS = 3            # per API call, when Telegram says "retry after"
MAX_RETRY_WAIT = 60.0       # seconds; a longer flood wait is given up (and logged)


def make_bot(settings: TelegramSettings) -> Bot:
    register_secret(settings.bot_token, settings.secret_token)
    return Bot(settings.bot_token, base_url=settings.api_base_url)


def chat_type(chat: Any) -> str:
    """private, group, supergroup or channel, as plain text (python-telegram-bot gives an enum)."""
    return str(getattr(chat.type, "value", chat.type))


def parse_update(data: Any, buttons: ButtonStore) -> list[Incoming]:
    """An update as the pipeline's events: texts, /start, button presses, other messages."""
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise MalformedPayload("not a Telegram update (no integer update_id)")
    try:
        update = Update.de_json(data, None)
    except Exception as exc:
        raise MalformedPayload(f"not a Telegram update ({exc.__class__.__name__})") from exc
    event_id = str(update.update_id)
    message = update.message or update.edited_message
    if message is not None:
        chat = str(message.chat.id)
        # the chat type goes with the message: a dossier is never looked up in a group (actions/dossier.py)
        metadata = {"chat_type": chat_type(message.chat), **({"edited": True} if update.edited_message else {})}
        if not message.text:     # sticker, photo, voice, location...
            return [Incoming(event_id, chat, notice="text_only")]
        if message.text.split(maxsplit=1)[:1] and message.text.split(maxsplit=1)[0].split("@")[0] == "/start":
            return [Incoming(event_id, chat, text=WELCOME)]
        return [Incoming(event_id, chat, text=typed_text(message.text), metadata=metadata)]
    query = update.callback_query
    if query is not None:
        chat = str(query.message.chat.id if query.message else query.from_user.id)
        kind = chat_type(query.message.chat) if query.message else "private"
        data_ = query.data or ""
        payload = buttons.recall(data_[len(BUTTON_PREFIX):]) if data_.startswith(BUTTON_PREFIX) else None
        if payload is None:
            return [Incoming(event_id, chat, notice="button_expired", receipt=query.id)]
        return [Incoming(event_id, chat, text=payload, receipt=query.id, metadata={"chat_type": kind})]
    return []       # channel posts, membership changes...: not for this bot


def telegram_messages(reply: Reply, buttons: ButtonStore) -> list[tuple[str, Optional[InlineKeyboardMarkup]]]:
    """One reply as sendMessage calls: text in pieces under the limit, buttons under the last one."""
    pieces = split_text(reply.text, TEXT_LIMIT, utf16_len) or ["…"]
    markup = None
    if reply.buttons:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            button.title, callback_data=BUTTON_PREFIX + buttons.remember(button.payload))] for button in reply.buttons])
    return [(piece, markup if i == len(pieces) - 1 else None) for i, piece in enumerate(pieces)]


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # python-telegram-bot's int/timedelta transition
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def call_api(what: str, call: Callable[[], Awaitable[T]]) -> tuple[bool, Optional[T]]:
    """Run one Bot API call, waiting as told on 429; other errors are logged. (ok, result)."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return True, await call()
        except RetryAfter as exc:
            delay = _seconds(exc)
            if attempt == MAX_ATTEMPTS or delay > MAX_RETRY_WAIT:
                logger.warning("Telegram %s: flood control (retry after %.0f s), giving up", what, delay)
                return False, None
            logger.info("Telegram %s: flood control, retrying in %.1f s", what, delay)
            await asyncio.sleep(delay)
        except TelegramError as exc:
            logger.warning("Telegram %s failed: %s: %s", what, exc.__class__.__name__, exc)
            return False, None
    return False, None


class TelegramInput(ConnectorInput):
    """Rasa channel `telegram` (credentials.yml: channels.telegram.TelegramInput)."""

    def __init__(self, settings: Settings | None = None):
        super().__init__(settings)
        self.telegram = self.settings.telegram
        register_secret(self.telegram.bot_token, self.telegram.secret_token)
        self._bot: Bot | None = None

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            self._bot = make_bot(self.telegram)
        return self._bot

    def disabled_reason(self) -> str | None:
        if self.telegram.enabled:
            return None
        return "The Telegram channel is disabled: TELEGRAM_BOT_TOKEN is not set."

    def authenticate(self, request: Request) -> bool:
        return secret_matches(request.headers.get(SECRET_HEADER), self.telegram.secret_token)

    def parse(self, request: Request) -> Sequence[Incoming]:
        return parse_update(json_body(request), self.buttons)

    async def acknowledge(self, incoming: Incoming) -> None:
        if incoming.receipt:
            await call_api("answerCallbackQuery", lambda: self.bot.answer_callback_query(incoming.receipt))

    async def deliver(self, user_id: str, replies: Sequence[Reply]) -> bool:
        for reply in replies:
            for text, markup in telegram_messages(reply, self.buttons):
                ok, _ = await call_api("sendMessage", lambda: self.bot.send_message(
                    chat_id=user_id, text=text, reply_markup=markup))
                if not ok:
                    logger.warning("Telegram: the rest of the answer to %s was not sent", who(user_id))
                    return False
        return True

    async def start(self) -> None:
        if self.telegram.webhook_url:
            ok, _ = await call_api("setWebhook", lambda: self.bot.set_webhook(
                self.telegram.webhook_url, secret_token=self.telegram.secret_token, allowed_updates=ALLOWED_UPDATES))
            logger.info("Telegram webhook %s", "registered" if ok else "NOT registered (see above)")

    async def stop(self) -> None:
        if self._bot is not None:
            await self._bot.shutdown()


# --- long polling for development ---------------------------------------------------------

async def forward(client: httpx.AsyncClient, url: str, secret: str, update: dict[str, Any]) -> bool:
    """POST one update to the local webhook; waits while Rasa is unreachable. False if refused."""
    delay = 1.0
    while True:
        try:
            reply = await client.post(url, json=update, headers={SECRET_HEADER: secret}, timeout=120)
            if reply.status_code < 300:
                return True
            if reply.status_code < 500:
                logger.error("the webhook refused update %s: HTTP %s %s", update.get("update_id"),
                             reply.status_code, reply.text[:200])
                return False
            logger.warning("the webhook answered HTTP %s; retrying in %.0f s", reply.status_code, delay)
        except httpx.HTTPError as exc:
            logger.warning("Rasa is not reachable at %s (%s); retrying in %.0f s", url, exc.__class__.__name__, delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 10.0)


async def poll(settings: Settings, webhook_url: str, poll_timeout: int = 25, keep_webhook: bool = False) -> None:
    """Read updates with getUpdates and forward them, in order, until cancelled."""
    bot = make_bot(settings.telegram)
    async with bot, httpx.AsyncClient() as client:
        if not keep_webhook:       # getUpdates is refused while a webhook is set
            await bot.delete_webhook()
        logger.info("polling Telegram, forwarding updates to %s", webhook_url)
        offset: int | None = None
        while True:
            ok, updates = await call_api("getUpdates", lambda: bot.get_updates(
                offset=offset, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES))
            if not ok:
                await asyncio.sleep(2)
                continue
            for update in updates or ():
                await forward(client, webhook_url, settings.telegram.secret_token, update.to_dict())
                offset = update.update_id + 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m channels.telegram", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    poll_cmd = commands.add_parser("poll", help="long polling: forward updates to the local Rasa webhook")
    poll_cmd.add_argument("--rasa-url", help="Rasa server (default: CHANNELS_RASA_URL or http://127.0.0.1:$RASA_PORT)")
    poll_cmd.add_argument("--timeout", type=int, default=25, help="getUpdates long-poll timeout, seconds")
    poll_cmd.add_argument("--keep-webhook", action="store_true", help="do not call deleteWebhook first")
    args = parser.parse_args(argv)

    load_dotenv()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_http_loggers()
    settings = Settings.from_env()
    if not settings.telegram.enabled:
        parser.error("TELEGRAM_BOT_TOKEN is not set")
    webhook = f"{(args.rasa_url or settings.rasa_url).rstrip('/')}/webhooks/telegram/webhook"

    async def run() -> None:
        task = asyncio.ensure_future(poll(settings, webhook, args.timeout, args.keep_webhook))
        for sig in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(sig, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            logger.info("polling stopped")

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
