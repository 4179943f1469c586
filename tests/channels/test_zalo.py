"""Zalo OA specifics, through the real Rasa server against the fake OA and OAuth APIs."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

from tests.channels.drivers import ZaloDriver


def test_the_webhook_acknowledges_at_once_and_answers_after(zalo: ZaloDriver):
    user = zalo.new_user()
    started = time.monotonic()
    reply = zalo.say(user, "làm giấy khai sinh cho con cần những gì")
    acknowledged = time.monotonic() - started
    assert reply.status_code == 200 and reply.json()["accepted"] == 1
    assert acknowledged < 2.0
    assert zalo.wait_seen(user)[0].text.startswith("📋 Thủ tục đăng ký khai sinh")


def test_ids_beyond_2_53_are_kept_exactly(zalo: ZaloDriver):
    user = "9007199254740993123"          # not representable as a double
    zalo.say(user, "xin chào")
    (call,) = zalo.fakes.zalo.wait_for("message", lambda c: c.ok and c.params["body"]["recipient"]["user_id"] == user)
    assert call.params["body"]["recipient"] == {"user_id": user}


def test_one_answer_is_merged_into_few_messages(zalo: ZaloDriver):
    user = zalo.new_user()
    zalo.say(user, "dang ky khai sinh")
    seen = zalo.barrier(user)
    buttons = [button for message in seen for button in message.buttons]
    assert seen[0].text.startswith("📋 Thủ tục đăng ký khai sinh") and "hữu ích" in seen[0].text   # summary + rating question
    assert len(seen) == max(1, -(-len(buttons) // 5))        # one message per 5 buttons, not one per bot message
    assert all(len(message.buttons) <= 5 and len(message.text) <= 2000 for message in seen)
    assert "Lệ phí" in [title for title, _ in buttons]
    so_far = len(zalo.seen(user))                              # the answer and the barrier's greeting
    zalo.press(user, "Lệ phí")                                 # the query button sends its title back
    assert zalo.wait_seen(user, so_far + 1)[so_far].text.startswith("💰 Phí, lệ phí — Thủ tục đăng ký khai sinh")


def test_follow_is_welcomed_with_query_buttons(zalo: ZaloDriver):
    user = zalo.new_user()
    zalo.post(zalo.event("follow", user, follower={"id": user}, source="oa_profile"))
    (call,) = zalo.fakes.zalo.wait_for("message", lambda c: c.ok and c.params["body"]["recipient"]["user_id"] == user)
    message = call.params["body"]["message"]
    assert "trợ lý ảo" in message["text"]
    buttons = message["attachment"]["payload"]["buttons"]
    assert {b["type"] for b in buttons} == {"oa.query.show"}
    assert [b["title"] for b in buttons] == [b["payload"] for b in buttons]


def test_other_events_are_answered_politely_or_not_at_all(zalo: ZaloDriver):
    user = zalo.new_user()
    sticker = {"msg_id": "st-1", "attachments": [{"type": "sticker", "payload": {"id": "1", "url": "https://s"}}]}
    assert zalo.post(zalo.event("user_send_sticker", user, message=sticker)).status_code == 200
    assert "gõ câu hỏi" in zalo.wait_seen(user)[0].text
    for event in ("unfollow", "user_seen_message", "oa_send_text"):
        reply = zalo.post(zalo.event(event, user, message={"msg_id": f"{event}-1", "text": "x"}))
        assert reply.json() == {"status": "ok", "accepted": 0}
    assert len(zalo.barrier(user)) == 1                 # the sticker's answer only


def test_an_expired_token_is_refreshed_once_for_concurrent_replies(zalo: ZaloDriver):
    fake = zalo.fakes.zalo
    fake.valid_access = "zat-revoked-by-zalo"       # the connector's token is no longer accepted
    refreshes_before = len(fake.calls_of("refresh"))
    users = [zalo.new_user() for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda user: zalo.say(user, "xin chào"), users))
    for user in users:
        assert "trợ lý ảo" in zalo.wait_seen(user)[0].text
    assert len(fake.calls_of("refresh")) == refreshes_before + 1
    stored = json.loads(zalo.token_file().read_text())
    assert (stored["access_token"], stored["refresh_token"]) == (fake.valid_access, fake.valid_refresh)
    assert zalo.token_file().stat().st_mode & 0o777 == 0o600


def test_a_replayed_event_signed_minutes_ago_is_refused(zalo: ZaloDriver):
    user = zalo.new_user()
    body = json.loads(zalo.text_event(user, "xin chào"))
    body["timestamp"] = str(int((time.time() - 600) * 1000))               # captured 10 minutes ago
    replay = json.dumps(body, ensure_ascii=False).encode()
    assert zalo.post(replay, zalo.headers(replay)).status_code == 401       # correctly signed, but stale
    assert zalo.barrier(user) == []                                         # nothing was answered
