"""Local fake Telegram Bot API and Zalo OA API (standard library: the action server's environment
has no aiohttp), and the signed webhook events a citizen's messages and button presses arrive as.
The fakes record every message sent; Telegram's can hold its answers (a send in flight)."""
from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from channels.auth import zalo_mac


def wait_until(condition: Callable[[], Any], what: str | Callable[[], str], timeout: float = 60) -> Any:
    """The first truthy value of `condition`, polled every 0.1 s; an AssertionError saying `what`
    (a text, or a function giving it at that moment) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not after {timeout}s: {what() if callable(what) else what}")
        time.sleep(0.1)
    return value


TELEGRAM_TOKEN = "987654321:NOTIFY-test-token_DoNotLog"
TELEGRAM_SECRET = "notify-webhook-secret_0123"
ZALO_APP_ID = "5291763606161179100"
ZALO_OA_SECRET = "notify-oa-secret-DoNotLog"
ZALO_ACCESS = "zat-notify"


@dataclass(frozen=True)
class Sent:
    to: str
    text: str
    buttons: tuple[tuple[str, str], ...]     # (title, what the button carries: callback data or query)
    at: float = field(default_factory=time.monotonic)


class FakePlatforms:
    """One server for both: /bot<token>/<method> (Telegram), /v3.0/oa/message/cs (Zalo)."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.lock = threading.Lock()
        self.hold = threading.Event()          # set: Telegram's sendMessage waits for `release`
        self.release = threading.Event()
        self.received = threading.Event()      # a held sendMessage arrived
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()

    def to(self, user: str) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if s.to == user]

    def wait_for(self, user: str, where: Callable[[Sent], bool], count: int = 1, timeout: float = 60) -> list[Sent]:
        def found() -> list[Sent] | None:
            matching = [s for s in self.to(user) if where(s)]
            return matching if len(matching) >= count else None

        return wait_until(found, lambda: f"{count} matching messages to {user}; "
                                         f"sent: {[s.text[:60] for s in self.to(user)]}", timeout)

    def _record(self, sent: Sent) -> None:
        with self.lock:
            self.sent.append(sent)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True      # headers and body in one packet: no 40 ms delayed ACK

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith(f"/bot{TELEGRAM_TOKEN}/"):
                    self._telegram(self.path.rsplit("/", 1)[1], body)
                elif self.path == "/v3.0/oa/message/cs":
                    self._zalo(body)
                else:
                    self._json(404, {"ok": False})

            def _json(self, status: int, data: Any) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _telegram(self, method: str, body: bytes) -> None:
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(body or b"{}")
                else:
                    params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
                if method != "sendMessage":
                    self._json(200, {"ok": True, "result": True})
                    return
                markup = params.get("reply_markup")
                markup = json.loads(markup) if isinstance(markup, str) else markup or {}
                buttons = tuple((b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", [])
                                for b in row)
                fake._record(Sent(str(params["chat_id"]), params.get("text", ""), buttons))
                if fake.hold.is_set():
                    fake.received.set()
                    fake.release.wait(60)
                self._json(200, {"ok": True, "result": {"message_id": next(fake._ids), "date": int(time.time()),
                                                        "chat": {"id": int(params["chat_id"]), "type": "private"},
                                                        "text": params.get("text", "")}})

            def _zalo(self, body: bytes) -> None:
                if self.headers.get("access_token") != ZALO_ACCESS:
                    self._json(200, {"error": -216, "message": "Access token is invalid"})
                    return
                data = json.loads(body)
                message = data["message"]
                buttons = tuple((b["title"], b["payload"]) for b in
                                (message.get("attachment") or {}).get("payload", {}).get("buttons", []))
                fake._record(Sent(data["recipient"]["user_id"], message.get("text", ""), buttons))
                self._json(200, {"error": 0, "message": "Success", "data": {"message_id": str(next(fake._ids))}})

        return Handler


def channel_env(fakes: FakePlatforms) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "TELEGRAM_API_BASE_URL": f"{fakes.url}/bot", "ZALO_APP_ID": ZALO_APP_ID,
            "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET, "ZALO_ACCESS_TOKEN": ZALO_ACCESS, "ZALO_REFRESH_TOKEN": "zrt-notify",
            "ZALO_APP_SECRET": "notify-app-secret", "ZALO_API_BASE_URL": fakes.url, "ZALO_OAUTH_BASE_URL": fakes.url}


_update_ids = itertools.count(int(time.time()) % 10**6 * 1000)


def telegram_text(chat: str, text: str) -> tuple[bytes, dict[str, str]]:
    update = {"update_id": next(_update_ids), "message": {
        "message_id": next(_update_ids), "date": int(time.time()), "text": text,
        "chat": {"id": int(chat), "type": "private"}, "from": {"id": int(chat), "is_bot": False, "first_name": "A"}}}
    return json.dumps(update).encode(), {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


def telegram_press(chat: str, data: str) -> tuple[bytes, dict[str, str]]:
    user = {"id": int(chat), "is_bot": False, "first_name": "A"}
    update = {"update_id": next(_update_ids), "callback_query": {
        "id": str(next(_update_ids)), "from": user, "chat_instance": "1", "data": data,
        "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": int(chat), "type": "private"}}}}
    return json.dumps(update).encode(), {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


def zalo_text(user: str, text: str) -> tuple[bytes, dict[str, str]]:
    timestamp = str(int(time.time() * 1000))
    body = json.dumps({"app_id": ZALO_APP_ID, "event_name": "user_send_text", "timestamp": timestamp,
                       "sender": {"id": user}, "recipient": {"id": "579745863508352884"},
                       "message": {"text": text, "msg_id": f"m{next(_update_ids)}"}}).encode()
    return body, {"X-ZEvent-Signature": "mac=" + zalo_mac(ZALO_APP_ID, body, timestamp, ZALO_OA_SECRET)}
