"""Hostile input (tests/hostile/corpus.yml) through the REST and web chat webhooks of the real servers:
no 5xx, a clear reply or a 4xx, nothing oversized stored, and normal answers afterwards."""
import json
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import yaml

from channels.notices import MAX_MESSAGE  # noqa: F401  (standard library and yaml only)
from tests.conftest import Conversation
from tests.conversations.test_security import post, web_session

CORPUS = yaml.safe_load((Path(__file__).resolve().parents[1] / "hostile" / "corpus.yml").read_text(encoding="utf-8"))
TEXTS = [(group, text) for group, items in CORPUS["texts"].items() for text in items]
TOO_LONG = "dài quá 1.000 ký tự"


def test_every_hostile_text_gets_a_reply_or_a_4xx_never_a_5xx(stack):
    session, sender = web_session(stack), f"hostile-{uuid.uuid4().hex[:8]}"
    problems = []
    for group, text in TEXTS:
        for channel, body in (("rest", {"sender": sender, "message": text}), ("web", {"session": session, "message": text})):
            status, reply = post(f"{stack.rasa_url}/webhooks/{channel}/webhook", json.dumps(body).encode())
            said = "\n".join(m.get("text") or "" for m in json.loads(reply)) if status == 200 else ""
            if status >= 500 or (len(text) > 1000 and TOO_LONG not in said):
                problems.append((channel, group, text[:40], status, said[:80]))
    assert problems == []
    with closing(sqlite3.connect(stack.tracker_db)) as db:
        stored = [json.loads(row[0]) for row in db.execute(
            "SELECT tracker FROM conversations WHERE sender_id IN (?, ?)", (sender, "web-" + session.split(".")[0]))]
    assert len(stored) == 2
    assert max(len(e.get("text") or "") for t in stored for e in t["events"] if e["event"] == "user") <= 1000
    assert "trợ lý ảo" in Conversation(stack.rasa_url).text("xin chào")        # still serving


def test_malformed_bodies_get_a_4xx_or_a_reply(stack):
    for name, body in CORPUS["bodies"].items():
        for channel in ("rest", "web"):
            status, reply = post(f"{stack.rasa_url}/webhooks/{channel}/webhook", body.encode("utf-8", "surrogatepass"))
            assert 400 <= status < 500 or (status == 200 and json.loads(reply)), (channel, name, status)
    assert "trợ lý ảo" in Conversation(stack.rasa_url).text("xin chào")
