"""What the web chat holds for a page outside its turns (a staff member's reply)."""
from __future__ import annotations

import asyncio

from channels import web_outbox
from channels.web import OutboxOutput
from channels.web_outbox import Outbox


def test_messages_wait_for_their_own_conversation_and_are_taken_once():
    outbox = Outbox()
    output = OutboxOutput(outbox)
    asyncio.run(output.send_text_message("web-a", "Cán bộ trả lời"))
    assert outbox.take("web-b") == []
    assert outbox.take("web-a") == [{"text": "Cán bộ trả lời"}]
    assert outbox.take("web-a") == []


def test_old_messages_and_too_many_are_dropped(monkeypatch):
    outbox = Outbox()
    for n in range(web_outbox.PER_CONVERSATION + 5):
        outbox.put("web-a", {"text": str(n)})
    assert [m["text"] for m in outbox.take("web-a")][0] == "5"
    outbox.put("web-a", {"text": "cũ"})
    monkeypatch.setattr(web_outbox, "KEEP_SECONDS", -1)
    assert outbox.take("web-a") == []
