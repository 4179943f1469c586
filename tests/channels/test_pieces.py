"""The shared pieces on their own: chunking, signatures, de-duplication, button ids, token store,
safe logging, event parsing; and a disabled channel. No Rasa server needed."""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os

import httpx
import pytest

from channels.auth import secret_matches, zalo_mac, zalo_signature_ok
from channels.base import WELCOME, MalformedPayload, typed_text
from channels.buttons import ButtonStore
from channels.chunking import split_text, utf16_len
from channels.dedup import RecentIds
from channels.replies import Button, Reply
from channels.safelog import get_logger, register_secret
from channels.settings import Settings
from channels.telegram import parse_update, telegram_messages
from channels.zalo import parse_event, zalo_messages
from channels.zalo_api import TokenFile, TokenPair, ZaloApi, ZaloApiError, seed_of
from tests.channels.fakes import FakeZalo
from tests.channels.inprocess import serving


# --- chunking ---------------------------------------------------------------------------------
def test_short_text_is_one_piece():
    assert split_text("  xin chào  ", 10) == ["xin chào"]
    assert split_text("", 10) == []


def test_pieces_respect_the_limit_and_cut_at_boundaries():
    text = "\n\n".join(f"Đoạn {i}: " + "lệ phí " * 40 for i in range(30))
    pieces = split_text(text, 500)
    assert all(len(piece) <= 500 for piece in pieces)
    assert " ".join(pieces).split() == text.split()            # no word cut, nothing lost
    assert all(piece.startswith("Đoạn") for piece in pieces)    # cut between paragraphs


def test_a_word_longer_than_the_limit_is_cut_hard():
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_telegram_counts_utf16_units():
    text = "📋" * 3000                       # 3,000 characters, 6,000 UTF-16 units
    pieces = split_text(text, 4096, utf16_len)
    assert [utf16_len(p) for p in pieces] == [4096, 1904]
    assert "".join(pieces) == text


# --- signatures and secrets -------------------------------------------------------------------
def test_zalo_signature_is_sha256_of_app_id_body_timestamp_and_key():
    body = b'{"timestamp":"1609984527175","event_name":"user_send_text"}'
    expected = hashlib.sha256(b"app1" + body + b"1609984527175" + b"key").hexdigest()
    assert zalo_mac("app1", body, "1609984527175", "key") == expected
    assert zalo_signature_ok(f"mac={expected}", "app1", body, "1609984527175", "key")
    assert zalo_signature_ok(f"mac={expected.upper()}", "app1", body, "1609984527175", "key")
    assert not zalo_signature_ok(f"mac={expected}", "app1", body + b" ", "1609984527175", "key")
    assert not zalo_signature_ok(f"mac={expected}", "app1", body, "1609984527176", "key")
    assert not zalo_signature_ok(None, "app1", body, "1609984527175", "key")
    assert not zalo_signature_ok(f"mac={expected}", "app1", body, "1609984527175", "")


def test_secret_comparison():
    assert secret_matches("s3cret", "s3cret")
    assert not secret_matches("s3cret ", "s3cret") and not secret_matches(None, "s3cret")
    assert not secret_matches("", "")                      # an unset secret never matches


# --- de-duplication ---------------------------------------------------------------------------
def test_recent_ids_are_bounded():
    seen = RecentIds(capacity=3)
    assert [seen.add(i) for i in "abca"] == [True, True, True, False]
    seen.add("d"), seen.add("e")
    assert len(seen) == 3 and seen.add("b") is True          # the oldest were forgotten


# --- button ids -------------------------------------------------------------------------------
def test_button_keys_are_short_stable_and_round_trip(tmp_path):
    payloads = ['/choose_procedure{"procedure_id":"ht-khai-sinh"}', '/rate_answer{"rating":"up"}', "Đăng ký tạm trú"]
    store = ButtonStore(tmp_path / "b.sqlite3")
    keys = [store.remember(p) for p in payloads]
    assert all(len(k) == 12 and k.isascii() and len(("b:" + k).encode()) <= 64 for k in keys)
    assert keys == [store.remember(p) for p in payloads]          # deterministic
    other_process = ButtonStore(tmp_path / "b.sqlite3")           # survives a restart
    assert [other_process.recall(k) for k in keys] == payloads
    assert other_process.recall("unknownkey00") is None


def test_button_labels_are_scoped_per_user():
    store = ButtonStore()
    store.remember("/ask_fee", scope="zalo:1", label="Lệ phí")
    assert store.recall(ButtonStore.key_for("Lệ phí", scope="zalo:1")) == "/ask_fee"
    assert store.recall(ButtonStore.key_for("Lệ phí", scope="zalo:2")) is None


def test_the_button_table_is_pruned():
    store = ButtonStore(max_rows=100)
    for i in range(1000):
        store.remember(f"/p{i}")
    assert store._db.execute("SELECT COUNT(*) FROM buttons").fetchone()[0] <= 600
    assert store.recall(store.key_for("/p999")) == "/p999"


# --- platform messages ------------------------------------------------------------------------
def test_telegram_buttons_go_under_the_last_piece(tmp_path):
    reply = Reply("a " * 3000, (Button("Lệ phí", "/ask_fee"),))
    messages = telegram_messages(reply, ButtonStore())
    assert [markup is not None for _, markup in messages] == [False, True]
    assert messages[1][1].inline_keyboard[0][0].callback_data.startswith("b:")


def test_zalo_merges_a_turn_and_groups_buttons_by_five():
    replies = [Reply("Tóm tắt"), Reply("Xem thêm:", tuple(Button(f"B{i}", f"/b{i}") for i in range(6))),
               Reply("Hữu ích không?", (Button("👍", "/up"), Button("B0", "/b0")))]
    messages = zalo_messages(replies, "42", ButtonStore())
    assert messages[0]["text"] == "Tóm tắt\n\nXem thêm:\n\nHữu ích không?"
    groups = [[b["title"] for b in m["attachment"]["payload"]["buttons"]] for m in messages]
    assert groups == [["B0", "B1", "B2", "B3", "B4"], ["B5", "👍"]]     # duplicates dropped
    assert messages[1]["text"] == "Anh/Chị có thể chọn thêm:"


# --- parsing ----------------------------------------------------------------------------------
def _tg_message(**fields):
    return {"update_id": 10, "message": {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}, **fields}}


def test_telegram_updates_become_events():
    store = ButtonStore()
    assert parse_update(_tg_message(text="/start"), store)[0].text == WELCOME
    assert parse_update(_tg_message(text="/start@fake_bot ref"), store)[0].text == WELCOME
    assert parse_update(_tg_message(text="/rate_answer"), store)[0].text == "rate_answer"
    assert parse_update(_tg_message(location={"latitude": 21.0, "longitude": 105.8}), store)[0].notice == "text_only"
    assert parse_update({"update_id": 11, "my_chat_member": {}}, store) == []
    for bad in ([], {"update_id": "1"}, {"update_id": 1, "message": {"text": "no chat"}}):
        with pytest.raises(MalformedPayload):
            parse_update(bad, store)


def test_zalo_events_become_events_with_string_ids():
    body = json.loads('{"event_name":"user_send_text","timestamp":1,"sender":{"id":9007199254740993123},'
                      '"message":{"msg_id":"m1","text":"/xin chào"}}', parse_int=str)
    (event,) = parse_event(body, ButtonStore())
    assert (event.event_id, event.user_id, event.text) == ("msg:m1", "9007199254740993123", "xin chào")
    with pytest.raises(MalformedPayload):
        parse_event({"timestamp": "1"}, ButtonStore())


def test_typed_text_cannot_name_an_intent():
    assert typed_text(' /rate_answer{"rating":"up"} ') == 'rate_answer{"rating":"up"}'


# --- safe logging -----------------------------------------------------------------------------
def test_logs_never_show_secrets_or_phone_numbers(caplog):
    register_secret("123456789:SECRET-token")
    logger = get_logger("channels.test_pieces")
    with caplog.at_level(logging.INFO, logger="channels.test_pieces"):
        logger.info("calling https://api/bot%s/sendMessage for 0912 345 678", "123456789:SECRET-token")
        try:
            raise RuntimeError("token 123456789:SECRET-token rejected")
        except RuntimeError:
            logger.exception("failed")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "SECRET-token" not in text and "0912" not in text and "345 678" not in text
    assert "sendMessage" in text and "RuntimeError" in text


# --- Zalo tokens ------------------------------------------------------------------------------
def test_the_token_file_is_replaced_atomically(tmp_path):
    file = TokenFile(tmp_path / "t.json")
    file.save(TokenPair("a1", "r1", 5.0, "s"))
    file.save(TokenPair("a2", "r2", 6.0, "s"))
    assert file.load() == TokenPair("a2", "r2", 6.0, "s")
    assert os.listdir(tmp_path) == ["t.json"] and (tmp_path / "t.json").stat().st_mode & 0o777 == 0o600
    (tmp_path / "t.json").write_text("{broken")
    assert file.load() is None


def _zalo_settings(fake: FakeZalo, tmp_path, access="zat-1", refresh="zrt-1"):
    return Settings.from_env({"ZALO_APP_ID": "app", "ZALO_APP_SECRET": "appsecret", "ZALO_ACCESS_TOKEN": access,
                              "ZALO_REFRESH_TOKEN": refresh, "ZALO_API_BASE_URL": fake.url,
                              "ZALO_OAUTH_BASE_URL": fake.url, "ZALO_TOKEN_FILE": str(tmp_path / "tokens.json")}).zalo


@pytest.fixture
def fake_zalo():
    fake = FakeZalo("app", "appsecret", access="zat-1", refresh="zrt-1", refresh_delay=0.1).start()
    yield fake
    fake.stop()


def test_refreshed_tokens_survive_a_restart(fake_zalo, tmp_path):
    async def run():
        first = ZaloApi(_zalo_settings(fake_zalo, tmp_path))
        fake_zalo.valid_access = "expired"
        await asyncio.gather(*(first.send(str(u), {"text": "chào"}) for u in range(4)))
        await first.close()
        restarted = ZaloApi(_zalo_settings(fake_zalo, tmp_path))      # same (spent) pair in the environment
        await restarted.send("5", {"text": "chào"})
        await restarted.close()
        return restarted.tokens()

    pair = asyncio.run(run())
    assert len(fake_zalo.calls_of("refresh")) == 1                    # one refresh for four concurrent sends
    assert (pair.access_token, pair.refresh_token) == ("zat-2", "zrt-2")
    assert len(fake_zalo.calls_of("message", lambda c: c.ok)) == 5


def test_a_new_pair_in_the_environment_wins_over_the_file(fake_zalo, tmp_path):
    TokenFile(tmp_path / "tokens.json").save(TokenPair("old", "old-r", 0.0, seed_of("zat-0", "zrt-0")))
    assert ZaloApi(_zalo_settings(fake_zalo, tmp_path)).tokens().access_token == "zat-1"
    TokenFile(tmp_path / "tokens.json").save(TokenPair("newer", "newer-r", 0.0, seed_of("zat-1", "zrt-1")))
    assert ZaloApi(_zalo_settings(fake_zalo, tmp_path)).tokens().access_token == "newer"


def test_a_failed_refresh_is_an_error_not_a_loop(fake_zalo, tmp_path):
    async def run():
        api = ZaloApi(_zalo_settings(fake_zalo, tmp_path, refresh="spent"))
        fake_zalo.valid_access = "expired"
        try:
            with pytest.raises(ZaloApiError, match="Invalid refresh token"):
                await api.send("1", {"text": "chào"})
        finally:
            await api.close()

    asyncio.run(run())
    assert len(fake_zalo.calls_of("refresh")) == 1 and len(fake_zalo.calls_of("message")) == 1


def test_an_expiring_token_is_refreshed_before_sending(fake_zalo, tmp_path):
    TokenFile(tmp_path / "tokens.json").save(TokenPair("zat-1", "zrt-1", 1.0, seed_of("zat-1", "zrt-1")))

    async def run():
        api = ZaloApi(_zalo_settings(fake_zalo, tmp_path))
        await api.send("1", {"text": "chào"})
        await api.close()

    asyncio.run(run())
    assert [c.params["access_token"] for c in fake_zalo.calls_of("message")] == ["zat-2"]


# --- a disabled channel -----------------------------------------------------------------------
def test_disabled_channels_answer_503_and_log_once(caplog):
    from channels.telegram import TelegramInput
    from channels.zalo import ZaloInput

    async def run():
        settings = Settings.from_env({})
        with caplog.at_level(logging.WARNING, logger="channels.base"):
            async with serving([TelegramInput(settings), ZaloInput(settings)]) as base:
                async with httpx.AsyncClient(base_url=base) as client:
                    return [await client.post(f"/{name}/webhook", content=b"{}") for name in ("telegram", "zalo")]

    replies = asyncio.run(run())
    assert [r.status_code for r in replies] == [503, 503]
    assert "TELEGRAM_BOT_TOKEN is not set" in replies[0].json()["error"]
    assert "ZALO_APP_ID is not set" in replies[1].json()["error"]
    assert [r.getMessage() for r in caplog.records if "disabled" in r.getMessage()] == [
        "The Telegram channel is disabled: TELEGRAM_BOT_TOKEN is not set.",
        "The Zalo OA channel is disabled: ZALO_APP_ID is not set."]


def test_a_telegram_message_says_which_kind_of_chat_it_came_from(tmp_path):
    from channels.buttons import ButtonStore

    update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "tra cứu hồ sơ",
                                          "chat": {"id": -100123, "type": "supergroup"},
                                          "from": {"id": 5, "is_bot": False, "first_name": "Lan"}}}
    (incoming,) = parse_update(update, ButtonStore(None))
    assert incoming.metadata["chat_type"] == "supergroup"
