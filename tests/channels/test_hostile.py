"""Hostile input (tests/hostile/corpus.yml) through the Telegram and Zalo OA webhooks: every text is
answered (a clear reply, never silence or a 5xx), broken updates and events get 200 or a 4xx, and
the connector answers normally afterwards."""
import json
import time
from pathlib import Path

import yaml

from channels.auth import zalo_mac
from tests.channels.drivers import Driver

CORPUS = yaml.safe_load((Path(__file__).resolve().parents[1] / "hostile" / "corpus.yml").read_text(encoding="utf-8"))
TEXTS = [text for items in CORPUS["texts"].values() for text in items]


def test_every_hostile_text_is_answered_never_a_5xx(driver: Driver):
    users = [driver.new_user() for _ in TEXTS]              # one citizen each: no text depends on another
    refused = [(text[:40], reply.status_code, reply.text[:80]) for user, text in zip(users, TEXTS)
               if (reply := driver.say(user, text)).status_code != 200]
    assert refused == []
    silent = []
    for user, text in zip(users, TEXTS):
        try:
            driver.wait_seen(user, 1, timeout=60)
        except AssertionError:
            silent.append(text[:40])
    assert silent == []
    other = driver.new_user()
    assert driver.say(other, "xin chào").status_code == 200
    driver.wait_seen(other)


def test_broken_telegram_updates_get_200_or_a_4xx(telegram: Driver):
    for name, update in CORPUS["telegram_updates"].items():
        body = json.dumps(update).encode()
        status = telegram.post(body).status_code
        assert status < 500, (name, status)
    user = telegram.new_user()
    telegram.say(user, "xin chào")
    telegram.wait_seen(user)


def test_broken_zalo_events_get_200_or_a_4xx(zalo: Driver):
    app_id, key = zalo.stack.env["ZALO_APP_ID"], zalo.stack.env["ZALO_OA_SECRET_KEY"]
    for name, event in CORPUS["zalo_events"].items():
        body = json.dumps({"app_id": app_id, "timestamp": str(int(time.time() * 1000)), **event}).encode()
        status = zalo.post(body, {"X-ZEvent-Signature": "mac=" + zalo_mac(app_id, body, json.loads(body)["timestamp"], key)}
                           ).status_code
        assert status < 500, (name, status)
    user = zalo.new_user()
    zalo.say(user, "xin chào")
    zalo.wait_seen(user)
