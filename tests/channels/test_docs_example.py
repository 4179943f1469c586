"""The worked example of docs/channels.md runs as written: its connector, served by Sanic the way
Rasa serves it (a stand-in agent echoes the message), posts its replies to a fake portal."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import types
from typing import Any

import httpx
from aiohttp import web
from rasa.core.channels.channel import UserMessage

from scripts.stack import ROOT
from tests.channels.fakes import FakeServer
from tests.channels.inprocess import serving

SECRET = "portal-shared-secret"


def example_module() -> types.ModuleType:
    text = (ROOT / "docs" / "channels.md").read_text(encoding="utf-8")
    code = re.search(r"<!-- worked example[^>]*-->\s*```python\n(.*?)```", text, re.S).group(1)
    module = types.ModuleType("portal_example")
    exec(compile(code, "docs/channels.md", "exec"), module.__dict__)
    return module


class FakePortal(FakeServer):
    def app(self) -> web.Application:
        app = web.Application()

        async def reply(request: web.Request) -> web.Response:
            self.record("reply", await request.json())
            return web.json_response({"ok": True})

        app.router.add_post("/replies", reply)
        return app


class EchoAgent:
    """Stands in for Rasa's agent: answers every message with its text and one button."""

    async def handle_message(self, message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {
            "text": f"echo: {message.text}", "buttons": [{"title": "Lệ phí", "payload": "/ask_fee"}]})


def signed(event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    return body, {"X-Portal-Signature": hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()}


def test_the_worked_example_passes_the_basic_contract(monkeypatch, tmp_path):
    monkeypatch.setenv("CHANNELS_STATE_DIR", str(tmp_path))
    portal = FakePortal().start()
    connector = example_module().PortalInput.from_credentials({"secret": SECRET, "reply_url": f"{portal.url}/replies"})

    async def run() -> list[int]:
        statuses = []
        async with serving([connector], EchoAgent()) as base, httpx.AsyncClient() as client:
            url = f"{base}/portal/webhook"
            body, headers = signed({"event_id": "e1", "user": "u1", "text": "chào"})
            statuses.append((await client.post(url, content=body)).status_code)                         # unsigned
            statuses.append((await client.post(url, content=b"{}", headers=signed({"a": 1})[1])).status_code)  # wrong mac
            statuses.append((await client.post(url, content=signed([])[0], headers=signed([])[1])).status_code)
            statuses.append((await client.post(url, content=body, headers=headers)).status_code)
            statuses.append((await client.post(url, content=body, headers=headers)).json()["accepted"])   # repeat
            await asyncio.get_running_loop().run_in_executor(None, portal.wait_for, "reply")
            button = portal.calls_of("reply")[0].params["buttons"][0]["id"]
            body, headers = signed({"event_id": "e2", "user": "u1", "button": button})
            statuses.append((await client.post(url, content=body, headers=headers)).status_code)
            await asyncio.get_running_loop().run_in_executor(None, lambda: portal.wait_for("reply", count=2))
            await connector.drain()
        return statuses

    try:
        assert asyncio.run(run()) == [401, 401, 400, 200, 0, 200]
        replies = [call.params for call in portal.calls_of("reply")]
        assert [r["text"] for r in replies] == ["echo: chào", "echo: /ask_fee"]       # the button's payload reached "Rasa"
        assert replies[0]["buttons"][0]["title"] == "Lệ phí" and len(replies[0]["buttons"][0]["id"]) == 12
    finally:
        portal.stop()
