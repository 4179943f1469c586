"""The notification worker's /notify endpoint on each connector, through the real Rasa server
against the fake platforms: one send per idempotency key, Zalo only inside its free window."""
from __future__ import annotations

import uuid

import httpx

from tests.channels.drivers import Driver, ZaloDriver


def notify(driver: Driver, user: str, key: str) -> httpx.Response:
    return httpx.post(f"{driver.stack.rasa_url}/webhooks/{driver.name}/notify", timeout=30,
                      headers={"Authorization": f"Bearer {driver.stack.env['NOTIFY_TOKEN']}"},
                      json={"key": key, "conversation": driver.sender_id(user), "text": "🔔 Hồ sơ … có thay đổi",
                            "buttons": [{"title": "Hủy theo dõi", "payload": '/unsubscribe_dossier{"watch_id":"w1"}'}]})


def test_a_key_is_sent_once_and_its_button_carries_the_payload(driver: Driver):
    user, key = driver.new_user(), f"{uuid.uuid4().int % 10**6}:1"
    driver.barrier(user)             # a greeting answered: Zalo's free window is open; Telegram's chat exists
    before = len(driver.seen(user))
    first = notify(driver, user, key)
    assert first.status_code == 200 and first.json()["status"] == "sent"
    again = notify(driver, user, key)                     # a worker retrying after a crash
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    seen = driver.barrier(user)[before:]
    assert [m.text for m in seen] == ["🔔 Hồ sơ … có thay đổi"]
    (title, carried), = seen[0].buttons
    assert title == "Hủy theo dõi" and "watch_id" not in carried     # the platform gets a key, not the payload


def test_zalo_holds_a_notification_outside_the_free_window(zalo: ZaloDriver):
    stranger = zalo.new_user()                            # never wrote: no window
    held = notify(zalo, stranger, "900:1")
    assert held.status_code == 409 and held.json()["status"] == "held"
    zalo.barrier(stranger)                                # the citizen writes (a greeting, answered)
    assert notify(zalo, stranger, "900:1").json()["status"] == "sent"   # held is not "sent": the key is free


def test_only_the_worker_may_notify(telegram: Driver):
    url = f"{telegram.stack.rasa_url}/webhooks/telegram/notify"
    body = {"key": "1:1", "conversation": "telegram-1", "text": "x", "buttons": []}
    assert httpx.post(url, json=body).status_code == 401
    token = {"Authorization": f"Bearer {telegram.stack.env['NOTIFY_TOKEN']}"}
    assert httpx.post(url, json={**body, "conversation": "zalo-1"}, headers=token).status_code == 404
    assert httpx.post(url, json={"key": "1:1"}, headers=token).status_code == 400
