"""What the web chat holds for a page outside its turns: dossier notifications and a staff
member's replies, in one inbox file that survives a restart of the Rasa process."""
from __future__ import annotations

import asyncio

from channels.replies import Reply
from channels.web import InboxOutput
from channels.web_inbox import WebInbox


def test_a_staff_reply_waits_for_its_own_conversation_and_is_taken_once(tmp_path):
    inbox = WebInbox(tmp_path / "inbox.sqlite3")
    asyncio.run(InboxOutput(inbox).send_text_message("web-a", "Cán bộ trả lời"))
    assert inbox.take("web-b") == []
    assert inbox.take("web-a") == [{"text": "Cán bộ trả lời", "staff": True}]
    assert inbox.take("web-a") == []


def test_notifications_and_staff_replies_survive_a_restart_in_their_order(tmp_path):
    WebInbox(tmp_path / "inbox.sqlite3").put("web-a", Reply("Hồ sơ đã có kết quả"))
    asyncio.run(InboxOutput(WebInbox(tmp_path / "inbox.sqlite3")).send_text_message("web-a", "Cán bộ trả lời"))
    assert [m["text"] for m in WebInbox(tmp_path / "inbox.sqlite3").take("web-a")] == ["Hồ sơ đã có kết quả",
                                                                                      "Cán bộ trả lời"]
