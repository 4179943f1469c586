"""The contract every connector passes (parametrised over tests/channels/drivers.DRIVERS): real
HTTP into the real Rasa server, replies read from the platform's fake API server."""
from __future__ import annotations

import asyncio
import time

from channels.replies import Button, Reply
from tests.channels.drivers import CHOOSE, RATE_UP, Driver
from tests.tracker import user_events


def user_intents(stack, sender_id: str) -> list[tuple[str, dict]]:
    """(intent, entities) of the user's turns."""
    return [(turn["parse_data"]["intent"]["name"], {e["entity"]: e["value"] for e in turn["parse_data"]["entities"]})
            for turn in user_events(stack, sender_id)]


def test_a_text_is_answered_through_rasa(driver: Driver):
    user = driver.new_user()
    reply = driver.say(user, "xin chào")
    assert reply.status_code == 200 and reply.json() == {"status": "ok", "accepted": 1}
    greeting = driver.wait_seen(user)[0]
    assert "trợ lý ảo" in greeting.text
    assert [title for title, _ in greeting.buttons][:1] == ["Đăng ký khai sinh"]


def test_wrong_or_missing_authentication_is_rejected(driver: Driver):
    user = driver.new_user()
    body = driver.text_event(user, "cảm ơn")
    for headers in driver.bad_headers(body):
        reply = driver.post(body, headers)
        assert reply.status_code in (401, 403), headers
        assert "error" in reply.json()
    assert driver.barrier(user) == []                   # none of the rejected events was answered
    assert driver.post(body).status_code == 200        # the same event, properly authenticated
    assert "Rất vui" in driver.wait_seen(user, 2)[-1].text


def test_the_same_event_delivered_twice_is_answered_once(driver: Driver):
    user = driver.new_user()
    body = driver.text_event(user, "cảm ơn")
    assert driver.post(body).json()["accepted"] == 1
    assert driver.post(body).json() == {"status": "ok", "accepted": 0}
    answered = driver.barrier(user)
    assert len(answered) == 1 and "Rất vui" in answered[0].text


def test_a_malformed_payload_gets_a_4xx_and_the_server_keeps_working(driver: Driver):
    for body, headers in driver.malformed():
        reply = driver.post(body, headers)
        assert 400 <= reply.status_code < 500, (body, reply.status_code, reply.text)
    user = driver.new_user()
    assert driver.say(user, "xin chào").status_code == 200
    driver.wait_seen(user)


def test_a_platform_error_is_logged_not_fatal(driver: Driver):
    user, other = driver.new_user(), driver.new_user()
    driver.fail_next_send()
    assert driver.say(user, "xin chào").status_code == 200
    deadline = time.monotonic() + 30
    while driver.attempts(user) == 0 and time.monotonic() < deadline:     # the failed attempt
        time.sleep(0.05)
    assert driver.seen(user) == []
    assert driver.say(other, "xin chào").status_code == 200
    driver.wait_seen(other)


def test_a_long_reply_is_chunked_under_the_platform_limit(driver: Driver):
    user = driver.new_user()
    paragraph = "Thành phần hồ sơ gồm tờ khai, giấy chứng sinh và giấy tờ tùy thân của người đi đăng ký. "
    text = "\n\n".join(f"{i}. {paragraph * 5}" for i in range(1, 25))        # ~11,000 characters
    buttons = (Button("Lệ phí", "/ask_fee"),)
    asyncio.run(driver.connector().deliver(user, [Reply(text, buttons)]))
    seen = driver.wait_seen(user, 2)
    assert len(seen) >= len(text) // driver.text_limit + 1
    assert all(0 < len(message.text) <= driver.text_limit for message in seen)
    assert " ".join(m.text for m in seen).split() == text.split()            # nothing lost, nothing added
    assert [bool(m.buttons) for m in seen] == [False] * (len(seen) - 1) + [True]


def test_buttons_carry_short_ids_and_their_payloads_reach_rasa(driver: Driver):
    user = driver.new_user()
    buttons = (Button("👍 Hữu ích", RATE_UP), Button("Đăng ký khai sinh (cấp xã, phường)", CHOOSE))
    asyncio.run(driver.connector().deliver(user, [Reply("Chọn một mục:", buttons)]))
    shown = driver.wait_seen(user)[0].buttons
    assert [title for title, _ in shown] == ["👍 Hữu ích", "Đăng ký khai sinh (cấp xã, phường)"]
    carried = dict(shown)
    for value in carried.values():
        assert RATE_UP not in value and CHOOSE not in value      # never the Rasa payload itself
    if driver.name == "telegram":
        assert all(len(value.encode()) <= 64 and value.isascii() for value in carried.values())

    assert driver.press(user, carried["👍 Hữu ích"]).status_code == 200
    assert "Cảm ơn Anh/Chị đã góp ý" in driver.wait_seen(user, 2)[1].text
    assert driver.press(user, carried["Đăng ký khai sinh (cấp xã, phường)"]).status_code == 200
    assert driver.wait_seen(user, 3)[2].text.startswith("📋 Thủ tục đăng ký khai sinh")
    assert user_intents(driver.stack, driver.sender_id(user)) == [
        ("rate_answer", {"rating": "up"}), ("choose_procedure", {"procedure_id": "1.001193"})]


def test_typed_text_cannot_trigger_an_intent(driver: Driver):
    user = driver.new_user()
    driver.say(user, RATE_UP)
    driver.wait_seen(user)
    assert [turn["text"] for turn in user_events(driver.stack, driver.sender_id(user))] == [RATE_UP[1:]]
