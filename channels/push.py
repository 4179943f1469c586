"""Notifications the notification worker (notifications/transport.py) hands to a channel.

POST /webhooks/<channel>/notify        from this machine, Authorization: Bearer $NOTIFY_TOKEN
  {"key": idempotency key, "conversation": "<channel>-<platform id>", "text": …, "buttons": [{title, payload}]}
  -> 200 {"status": "sent"}        sent now
     200 {"status": "duplicate"}   this key was sent before (a worker retrying after a crash)
     200 {"status": "in_doubt"}    this key's send began before this server (re)started: never sent twice
     409 {"status": "held"}        Zalo: outside the citizen's free window; the worker offers it again later
     502 {"status": "failed"}      the platform did not take it (the worker retries with back-off)
     503 busy / notifications off, 401/403 not the worker, 400/404 not a notification for this channel
Each key is claimed in a small SQLite table before the platform call and marked sent after it.
"""
from __future__ import annotations

import asyncio
import hmac
import time
from pathlib import Path
from typing import Awaitable, Callable

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.replies import Button, Reply
from channels.rest import client_address, is_loopback
from channels.state_db import StateTable
from envconfig import getenv

Push = Callable[[str, Reply], Awaitable[str]]      # (platform user id, reply) -> "sent" | "held" | "failed"
STARTED = time.time()


class PushKeys(StateTable):
    """Idempotency keys of pushed notifications: claimed before sending, marked sent after."""

    def __init__(self, path: Path | None):
        super().__init__(path, "CREATE TABLE IF NOT EXISTS pushed (key TEXT PRIMARY KEY, sent INTEGER NOT NULL, "
                         "at REAL NOT NULL)")

    def claim(self, key: str) -> str:
        """"new" (now claimed), "sent", "in_doubt" (claimed before this process started) or "busy"."""
        with self._lock:
            if self._db.execute("INSERT OR IGNORE INTO pushed (key, sent, at) VALUES (?, 0, ?)",
                                (key, time.time())).rowcount:
                return "new"
            sent, at = self._db.execute("SELECT sent, at FROM pushed WHERE key = ?", (key,)).fetchone()
        return "sent" if sent else "in_doubt" if at < STARTED else "busy"

    def finish(self, key: str, sent: bool) -> None:
        with self._lock:
            if sent:
                self._db.execute("UPDATE pushed SET sent = 1, at = ? WHERE key = ?", (time.time(), key))
            else:
                self._db.execute("DELETE FROM pushed WHERE key = ?", (key,))


def _reply(body: object) -> tuple[str, str, Reply] | None:
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) and body.get(k) for k in
                                             ("key", "conversation", "text")):
        return None
    buttons = body.get("buttons") or []
    if not isinstance(buttons, list) or not all(isinstance(b, dict) and isinstance(b.get("title"), str)
                                                and isinstance(b.get("payload"), str) for b in buttons):
        return None
    return body["key"], body["conversation"], Reply(body["text"], tuple(Button(b["title"], b["payload"])
                                                                        for b in buttons))


def add_notify_route(blueprint: Blueprint, namespace: str, keys: Callable[[], PushKeys], push: Push) -> None:
    """POST /notify on a channel's blueprint; conversations of this channel start with `namespace`."""

    @blueprint.route("/notify", methods=["POST"])
    async def notify(request: Request) -> HTTPResponse:
        token = getenv("NOTIFY_TOKEN")
        if not token:
            return response.json({"status": "off", "error": "NOTIFY_TOKEN is not set"}, status=503)
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(offered.encode(), token.encode()):
            return response.json({"status": "unauthorized"}, status=401)
        if not is_loopback(client_address(request)):
            return response.json({"status": "forbidden"}, status=403)
        try:
            parsed = _reply(request.json)
        except Exception:  # noqa: BLE001 — Sanic's own error for a body that is not JSON
            parsed = None
        if parsed is None:
            return response.json({"status": "bad_request"}, status=400)
        key, conversation, reply = parsed
        if not conversation.startswith(namespace) or len(conversation) == len(namespace):
            return response.json({"status": "not_this_channel"}, status=404)
        claim = keys().claim(key)
        if claim != "new":
            return response.json({"status": {"sent": "duplicate"}.get(claim, claim)},
                                 status=503 if claim == "busy" else 200)

        async def push_and_record() -> str:
            outcome = "failed"
            try:
                outcome = await push(conversation[len(namespace):], reply)
            finally:
                keys().finish(key, outcome == "sent")
            return outcome

        # shielded: a worker that hangs up (or is killed) mid-send must not cancel the send or its record
        outcome = await asyncio.shield(asyncio.ensure_future(push_and_record()))
        return response.json({"status": outcome}, status={"sent": 200, "held": 409}.get(outcome, 502))
