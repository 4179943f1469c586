"""Telegram specifics, through the real Rasa server and python-telegram-bot against the fake Bot API."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

from channels.replies import Button, Reply
from scripts.stack import ROOT
from tests.channels.conftest import TELEGRAM_SECRET, TELEGRAM_TOKEN
from tests.channels.drivers import RATE_UP, TelegramDriver


def test_start_up_registers_the_webhook_with_its_secret(telegram: TelegramDriver):
    (call,) = telegram.fakes.telegram.calls_of("setWebhook")
    assert call.params["url"] == "https://bot.example.invalid/webhooks/telegram/webhook"
    assert call.params["secret_token"] == TELEGRAM_SECRET
    assert set(call.params["allowed_updates"]) == {"message", "edited_message", "callback_query"}


def test_start_offers_example_questions_as_buttons(telegram: TelegramDriver):
    user = telegram.new_user()
    telegram.say(user, "/start")
    welcome = telegram.wait_seen(user)[0]
    assert "trợ lý ảo" in welcome.text
    titles = [title for title, _ in welcome.buttons]
    assert titles[:3] == ["Đăng ký khai sinh", "Đăng ký tạm trú", "Cấp lại bằng lái xe"]
    assert all(data.startswith("b:") and len(data.encode()) <= 64 for _, data in welcome.buttons)

    telegram.press(user, dict(welcome.buttons)["Đăng ký khai sinh"])    # the example question, asked
    assert telegram.wait_seen(user, 2)[1].text.startswith("📋 Thủ tục đăng ký khai sinh")


def test_a_button_press_is_acknowledged(telegram: TelegramDriver):
    user = telegram.new_user()
    asyncio.run(telegram.connector().deliver(user, [Reply("Chọn:", (Button("👍 Hữu ích", RATE_UP),))]))
    body = telegram.press_event(user, telegram.wait_seen(user)[0].buttons[0][1])
    telegram.post(body)
    query_id = json.loads(body)["callback_query"]["id"]
    telegram.fakes.telegram.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query_id)
    assert "Cảm ơn" in telegram.wait_seen(user, 2)[1].text


def test_an_unknown_button_gets_a_polite_notice(telegram: TelegramDriver):
    user = telegram.new_user()
    telegram.press(user, "b:AAAAAAAAAAAA")
    assert "hết hạn" in telegram.wait_seen(user)[0].text


def test_stickers_photos_and_voice_get_please_type(telegram: TelegramDriver):
    user = telegram.new_user()
    sticker = {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512, "is_animated": False,
               "is_video": False, "type": "regular"}
    photo = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]
    voice = {"file_id": "v1", "file_unique_id": "u3", "duration": 3}
    for content in ({"sticker": sticker}, {"photo": photo}, {"voice": voice}):
        assert telegram.post(telegram.update_with(message=telegram.message(user, **content))).status_code == 200
    seen = telegram.wait_seen(user, 3)
    assert all("gõ câu hỏi" in message.text for message in seen)


def test_an_edited_message_is_answered(telegram: TelegramDriver):
    user = telegram.new_user()
    telegram.post(telegram.update_with(edited_message=telegram.message(user, text="xin chào", edit_date=int(time.time()))))
    assert "trợ lý ảo" in telegram.wait_seen(user)[0].text


def test_flood_control_waits_as_told_and_retries(telegram: TelegramDriver):
    user = telegram.new_user()
    telegram.fakes.telegram.fail_next("sendMessage", 429, {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}})
    telegram.say(user, "xin chào")
    attempts = telegram.fakes.telegram.wait_for("sendMessage", lambda c: str(c.params["chat_id"]) == user, count=2)
    assert [call.ok for call in attempts] == [False, True]
    assert attempts[1].at - attempts[0].at >= 0.95
    assert len(telegram.wait_seen(user)) == 1


def test_secrets_never_reach_the_log(telegram: TelegramDriver):
    telegram.fail_next_send()                      # an API error is logged...
    telegram.say(telegram.new_user(), "xin chào")
    log = telegram.stack.log_dir / "rasa.log"
    deadline = time.monotonic() + 10
    while "sendMessage failed" not in log.read_text(errors="replace") and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text(errors="replace")
    assert "sendMessage failed" in text             # ...without the token or the webhook secret
    for secret in (TELEGRAM_TOKEN, TELEGRAM_TOKEN.split(":")[1], TELEGRAM_SECRET, "DoNotLog"):
        assert secret not in text


def test_polling_mode_forwards_updates_to_the_webhook(telegram: TelegramDriver):
    fake, user = telegram.fakes.telegram, telegram.new_user()
    fake.queue_update(json.loads(telegram.text_event(user, "xin chào")))
    env = {**os.environ, **telegram.stack.env, "PYTHONPATH": str(ROOT)}
    poller = subprocess.Popen([sys.executable, "-m", "channels.telegram", "poll", "--timeout", "1"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert "trợ lý ảo" in telegram.wait_seen(user, timeout=30)[0].text
        assert fake.calls_of("deleteWebhook")
        fake.wait_for("getUpdates", lambda c: int(c.params.get("offset") or 0) > 0, timeout=10)   # update confirmed
    finally:
        os.killpg(poller.pid, signal.SIGTERM)
        output = poller.communicate(timeout=10)[0].decode(errors="replace")
    assert poller.returncode == 0, output
    assert TELEGRAM_TOKEN not in output


def test_a_message_sent_outside_a_turn_is_delivered_at_once(telegram: TelegramDriver):
    """A staff member's reply through Rasa's HTTP API (output_channel=latest) uses this output."""
    user = telegram.new_user()
    output = telegram.connector().get_output_channel()
    asyncio.run(output.send_response(f"telegram-{user}", {"text": "Cán bộ phường trả lời Anh/Chị"}))
    assert telegram.wait_seen(user)[0].text == "Cán bộ phường trả lời Anh/Chị"
