"""How a test speaks each platform: build and sign its webhook events, read what the citizen was
sent (from the platform's fake). The contract tests are written against `Driver`; a new
connector adds a driver here (docs/channels.md)."""
from __future__ import annotations

import itertools
import json
import random
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from channels.auth import zalo_mac
from channels.base import ConnectorInput
from channels.settings import Settings
from tests.channels.fakes import Call, FakeTelegram, FakeZalo

RATE_UP = '/rate_answer{"rating":"up"}'                            # Rasa payloads that must round-trip
CHOOSE = '/choose_procedure{"procedure_id":"1.001193"}'


@dataclass(frozen=True)
class Fakes:
    telegram: FakeTelegram
    zalo: FakeZalo


@dataclass(frozen=True)
class Seen:
    """One message as the citizen sees it."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()     # (title shown, what the button carries)


class Driver:
    name: str
    text_limit: int

    def __init__(self, stack: Any, fakes: Fakes):
        self.stack, self.fakes = stack, fakes
        self.webhook = f"{stack.rasa_url}/webhooks/{self.name}/webhook"
        self.http = httpx.Client(timeout=60)

    # --- to implement per platform ---------------------------------------------------------
    def new_user(self) -> str: ...
    def text_event(self, user: str, text: str) -> bytes: ...
    def headers(self, body: bytes) -> dict[str, str]: ...
    def bad_headers(self, body: bytes) -> list[dict[str, str]]: ...
    def malformed(self) -> list[tuple[bytes, dict[str, str]]]: ...
    def press_event(self, user: str, carried: str) -> bytes: ...
    def seen(self, user: str) -> list[Seen]: ...
    def attempts(self, user: str) -> int: ...          # send calls to the user, failed ones included
    def fail_next_send(self) -> None: ...

    # --- shared ----------------------------------------------------------------------------
    def settings(self) -> Settings:
        return Settings.from_env(self.stack.env)

    def connector(self) -> ConnectorInput:
        """An in-process connector with the stack's settings (same fake, same button table)."""
        from channels.telegram import TelegramInput
        from channels.zalo import ZaloInput
        return {"telegram": TelegramInput, "zalo": ZaloInput}[self.name](self.settings())

    def sender_id(self, user: str) -> str:
        return f"{self.name}-{user}"

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        headers = self.headers(body) if headers is None else headers
        return self.http.post(self.webhook, content=body, headers={"Content-Type": "application/json", **headers})

    def say(self, user: str, text: str) -> httpx.Response:
        return self.post(self.text_event(user, text))

    def press(self, user: str, carried: str) -> httpx.Response:
        return self.post(self.press_event(user, carried))

    def wait_seen(self, user: str, count: int = 1, timeout: float = 30.0) -> list[Seen]:
        deadline = time.monotonic() + timeout
        while len(seen := self.seen(user)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: {len(seen)} of {count} messages to the user after {timeout}s")
            time.sleep(0.05)
        return seen

    def barrier(self, user: str, timeout: float = 30.0) -> list[Seen]:
        """What the user had been sent before the answer to a greeting sent now: a positive signal that
        everything delivered earlier has been handled (one conversation is handled in order), so that
        the absence of more replies is asserted after it, not after a sleep."""
        before = len(self.seen(user))
        assert self.say(user, "xin chào").status_code == 200
        deadline = time.monotonic() + timeout
        while True:
            seen = self.seen(user)
            greetings = [i for i in range(before, len(seen)) if "trợ lý ảo" in seen[i].text]
            if greetings:
                return seen[:greetings[0]]
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: the greeting was not answered within {timeout}s")
            time.sleep(0.05)


class TelegramDriver(Driver):
    name = "telegram"
    text_limit = 4096
    _ids = itertools.count(random.randrange(10**6, 10**8))

    def new_user(self) -> str:
        return str(random.randrange(10**8, 10**10))

    def _update(self, **content: Any) -> bytes:
        return json.dumps({"update_id": next(self._ids), **content}).encode()

    def message(self, user: str, **fields: Any) -> dict[str, Any]:
        return {"message_id": next(self._ids), "date": int(time.time()), "chat": {"id": int(user), "type": "private"},
                "from": {"id": int(user), "is_bot": False, "first_name": "Lan"}, **fields}

    def text_event(self, user: str, text: str) -> bytes:
        return self._update(message=self.message(user, text=text))

    def update_with(self, **content: Any) -> bytes:
        return self._update(**content)

    def headers(self, body: bytes) -> dict[str, str]:
        return {"X-Telegram-Bot-Api-Secret-Token": self.stack.env["TELEGRAM_SECRET_TOKEN"]}

    def bad_headers(self, body: bytes) -> list[dict[str, str]]:
        return [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret"},
                {"X-Telegram-Bot-Api-Secret-Token": self.stack.env["TELEGRAM_SECRET_TOKEN"] + "x"}]

    def malformed(self) -> list[tuple[bytes, dict[str, str]]]:
        good = self.headers(b"")
        return [(b"not json", good), (b"[]", good), (b'{"update_id": "seven"}', good),
                (b'{"message": {"text": "hi"}}', good),
                (json.dumps({"update_id": 5, "message": {"text": "no chat"}}).encode(), good)]

    def press_event(self, user: str, carried: str) -> bytes:
        return self._update(callback_query={
            "id": uuid.uuid4().hex[:16], "from": {"id": int(user), "is_bot": False, "first_name": "Lan"},
            "chat_instance": "42", "data": carried, "message": self.message(user, text="…")})

    def seen(self, user: str) -> list[Seen]:
        return [_telegram_seen(call) for call in self.fakes.telegram.sent_to(user)]

    def attempts(self, user: str) -> int:
        return len(self.fakes.telegram.calls_of("sendMessage", lambda c: str(c.params.get("chat_id")) == user))

    def fail_next_send(self) -> None:
        self.fakes.telegram.fail_next("sendMessage", 400, {"ok": False, "error_code": 400,
                                                            "description": "Bad Request: chat not found"})


def _telegram_seen(call: Call) -> Seen:
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
    return Seen(call.params.get("text", ""), tuple((b["text"], b["callback_data"]) for row in rows for b in row))


class ZaloDriver(Driver):
    name = "zalo"
    text_limit = 2000

    def new_user(self) -> str:
        return str(random.randrange(10**18, 9 * 10**18))         # beyond 2^53, like Zalo's ids

    def event(self, event_name: str, user: str, **content: Any) -> bytes:
        body = {"app_id": self.stack.env["ZALO_APP_ID"], "user_id_by_app": user[::-1], "event_name": event_name,
                "timestamp": str(int(time.time() * 1000)), "sender": {"id": user},
                "recipient": {"id": "579745863508352884"}, **content}
        return json.dumps(body, ensure_ascii=False).encode()

    def text_event(self, user: str, text: str) -> bytes:
        return self.event("user_send_text", user, message={"msg_id": uuid.uuid4().hex, "text": text})

    def sign(self, body: bytes) -> str:
        timestamp = json.loads(body).get("timestamp", "")
        return "mac=" + zalo_mac(self.stack.env["ZALO_APP_ID"], body, timestamp, self.stack.env["ZALO_OA_SECRET_KEY"])

    def headers(self, body: bytes) -> dict[str, str]:
        return {"X-ZEvent-Signature": self.sign(body)}

    def bad_headers(self, body: bytes) -> list[dict[str, str]]:
        forged = "mac=" + zalo_mac(self.stack.env["ZALO_APP_ID"], body, json.loads(body)["timestamp"], "guessed-key")
        return [{}, {"X-ZEvent-Signature": "mac=" + "0" * 64}, {"X-ZEvent-Signature": forged},
                {"X-ZEvent-Signature": self.sign(body + b" ")}]

    def malformed(self) -> list[tuple[bytes, dict[str, str]]]:
        bodies = [b'{"timestamp": "1", "hello": "world"}',
                  b'{"timestamp": "1", "event_name": "user_send_text", "sender": {}, "message": {"text": "x"}}',
                  b'{"timestamp": "1", "event_name": "user_send_text", "sender": {"id": "1"}, "message": "x"}',
                  b'{"timestamp": "1", "event_name": "follow"}']
        return [(body, self.headers(body)) for body in bodies] + [(b"not json", {"X-ZEvent-Signature": "mac=00"})]

    def press_event(self, user: str, carried: str) -> bytes:
        return self.text_event(user, carried)    # a query button sends its payload as the user's message

    def seen(self, user: str) -> list[Seen]:
        return [_zalo_seen(call) for call in self.fakes.zalo.sent_to(user)]

    def attempts(self, user: str) -> int:
        return len(self.fakes.zalo.calls_of("message", lambda c: c.params["body"]["recipient"]["user_id"] == user))

    def fail_next_send(self) -> None:
        self.fakes.zalo.fail_next("message", 200, {"error": -230, "message": "User has not interacted with the OA"})

    def token_file(self) -> Path:
        return self.settings().zalo.token_file


def _zalo_seen(call: Call) -> Seen:
    message = call.params["body"]["message"]
    buttons = ((message.get("attachment") or {}).get("payload") or {}).get("buttons") or []
    return Seen(message.get("text", ""), tuple((b["title"], b["payload"]) for b in buttons))


DRIVERS: dict[str, type[Driver]] = {"telegram": TelegramDriver, "zalo": ZaloDriver}
