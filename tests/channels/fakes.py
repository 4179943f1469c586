"""Local fake Telegram Bot API and Zalo OA API servers (aiohttp, 127.0.0.1, a background thread).

They answer like the real services for the calls our connectors make, record every call, and
can be told to fail the next calls (429 with retry_after, 400, an expired token...).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    ok: bool = True                  # False: the fake answered with an error
    at: float = field(default_factory=time.monotonic)


class FakeServer:
    """An aiohttp app served from its own event loop in a daemon thread."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def app(self) -> web.Application:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FakeServer":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    # --- recording and failure injection -------------------------------------------------
    def record(self, method: str, params: dict[str, Any], ok: bool = True) -> None:
        with self._lock:
            self.calls.append(Call(method, params, ok))

    def calls_of(self, method: str, where: Callable[[Call], bool] = lambda call: True) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method and where(call)]

    def fail_next(self, method: str, status: int, body: dict[str, Any], times: int = 1) -> None:
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, body)] * times)

    def _failure(self, method: str) -> tuple[int, dict[str, Any]] | None:
        with self._lock:
            queue = self._failures.get(method)
            return queue.pop(0) if queue else None

    def wait_for(self, method: str, where: Callable[[Call], bool] = lambda call: True, count: int = 1,
                 timeout: float = 30.0) -> list[Call]:
        """The calls of `method` matching `where`, once there are `count` of them."""
        deadline = time.monotonic() + timeout
        while True:
            calls = self.calls_of(method, where)
            if len(calls) >= count:
                return calls
            if time.monotonic() > deadline:
                raise AssertionError(f"{type(self).__name__}: {len(calls)} of {count} {method} calls "
                                     f"after {timeout}s; all calls: {[c.method for c in self.calls]}")
            time.sleep(0.05)


class FakeTelegram(FakeServer):
    """Bot API under /bot<token>/<method>; updates for getUpdates are queued with `queue_update`."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._message_ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"             # python-telegram-bot appends the token

    def queue_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append(update)

    def sent_to(self, chat_id: str | int) -> list[Call]:
        """The messages the chat received (failed attempts excluded)."""
        return self.calls_of("sendMessage", lambda call: call.ok and str(call.params.get("chat_id")) == str(chat_id))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        failure = self._failure(method)
        self.record(method, params, ok=failure is None)
        if failure:
            return web.json_response(failure[1], status=failure[0])
        return web.json_response({"ok": True, "result": await self._result(method, params)})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        params: dict[str, Any] = {}
        for key, value in (await request.post()).items():
            try:
                params[key] = json.loads(value) if key in ("reply_markup", "allowed_updates") else value
            except (TypeError, ValueError):
                params[key] = value
        return params

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": 4242, "is_bot": True, "first_name": "Trợ lý", "username": "fake_assistant_bot"}
        if method == "sendMessage":
            chat_id = params.get("chat_id")
            return {"message_id": next(self._message_ids), "date": int(time.time()),
                    "chat": {"id": int(chat_id), "type": "private"}, "text": params.get("text", "")}
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
            while True:
                with self._lock:
                    ready = [u for u in self._updates if u["update_id"] >= offset]
                if ready or time.monotonic() >= deadline:
                    return ready
                await asyncio.sleep(0.05)
        return True


class FakeZalo(FakeServer):
    """OA message API (/v3.0/oa/message/cs) and OAuth token refresh (/v4/oa/access_token) on one port.

    Only `valid_access` is accepted; a refresh token works once and yields the next pair."""

    def __init__(self, app_id: str, app_secret: str, access: str, refresh: str, refresh_delay: float = 0.2) -> None:
        super().__init__()
        self.app_id, self.app_secret = app_id, app_secret
        self.valid_access, self.valid_refresh = access, refresh
        self.refresh_delay = refresh_delay
        self._generation = itertools.count(2)
        self._message_ids = itertools.count(7_000_000_000_000_000_001)    # beyond 2^53, like Zalo's

    def sent_to(self, user_id: str) -> list[Call]:
        """The messages the user received (refused attempts excluded)."""
        return self.calls_of("message", lambda call: call.ok and call.params["body"]["recipient"]["user_id"] == user_id)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self.message)
        app.router.add_post("/v4/oa/access_token", self.access_token)
        return app

    async def message(self, request: web.Request) -> web.Response:
        body = await request.json()
        token = request.headers.get("access_token", "")
        failure = self._failure("message") if token == self.valid_access else None
        self.record("message", {"body": body, "access_token": token}, ok=token == self.valid_access and not failure)
        if token != self.valid_access:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if failure:
            return web.json_response(failure[1], status=failure[0])
        return web.json_response({"error": 0, "message": "Success", "data": {
            "message_id": str(next(self._message_ids)), "user_id": body["recipient"]["user_id"]}})

    async def access_token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.record("refresh", {"form": form, "secret_key": request.headers.get("secret_key")})
        await asyncio.sleep(self.refresh_delay)           # a slow refresh makes concurrent callers overlap
        if (request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id
                or form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.valid_refresh):
            return web.json_response({"error": -14014, "error_name": "Invalid refresh token"})
        n = next(self._generation)
        self.valid_access, self.valid_refresh = f"zat-{n}", f"zrt-{n}"
        return web.json_response({"access_token": self.valid_access, "refresh_token": self.valid_refresh,
                                  "expires_in": "90000"})
