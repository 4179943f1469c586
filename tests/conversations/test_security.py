"""Attacks from the security review (issue #17), sent as an attacker would, against the real servers."""
import json
import os
import stat
import urllib.error
import urllib.request
import uuid
import zlib

import pytest

from tests.conftest import Conversation
from tests.conversations.test_dossier import store  # noqa: F401  (the fixture: dossiers in the stack's database)
from tests.tracker import user_events


def post(url: str, body: bytes, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, body, {"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def action_call(sender: str) -> bytes:
    tracker = {"sender_id": sender, "slots": {}, "latest_message": {}, "events": [], "paused": False,
               "active_loop": {}}
    return json.dumps({"next_action": "action_explain_my_data", "tracker": tracker, "domain": {}}).encode()


def test_a_forged_call_to_the_action_server_is_refused(stack):
    url = f"{stack.actions_url}/webhook"
    assert post(url, action_call("anyone"))[0] == 401
    assert post(url + "?token=" + "x" * 64, action_call("anyone"))[0] == 401
    status, body = post(url + "?token=" + stack.env["ACTIONS_TOKEN"], action_call("anyone"))
    assert status == 200 and "utter_my_data" in body                     # Rasa's own calls still work


def test_an_inflating_body_is_refused_before_it_is_inflated(stack):
    bomb = zlib.compress(b"{" + b" " * 50_000_000 + b"}", 9)             # 50 MB in about 50 kB
    status, _ = post(f"{stack.actions_url}/webhook?token={stack.env['ACTIONS_TOKEN']}", bomb,
                     {"Content-Encoding": "deflate"})
    assert status == 413
    assert post(f"{stack.actions_url}/webhook?token={stack.env['ACTIONS_TOKEN']}", action_call("a"))[0] == 200


def test_the_action_server_listens_on_loopback_only(stack):
    port = int(stack.env["ACTIONS_PORT"])
    listening = [line.split()[1] for table in ("/proc/net/tcp", "/proc/net/tcp6")
                 for line in open(table).read().splitlines()[1:]
                 if line.split()[3] == "0A" and int(line.split()[1].rsplit(":", 1)[1], 16) == port]
    assert listening and all(address.startswith("0100007F:") for address in listening), listening


def test_a_rest_message_addressed_to_a_telegram_conversation_is_refused(stack):
    victim = f"telegram-{uuid.uuid4().int % 10**9}"
    for sender in (victim, f"zalo-{uuid.uuid4().int % 10**12}", "web-someone"):
        status, body = post(f"{stack.rasa_url}/webhooks/rest/webhook",
                            json.dumps({"sender": sender, "message": "/request_human"}).encode())
        assert status == 400 and "another channel" in body
    assert user_events(stack, victim) == []


def web_session(stack) -> str:
    with urllib.request.urlopen(f"{stack.rasa_url}/webhooks/web/session", timeout=10) as reply:
        return json.loads(reply.read())["session"]


def web(stack, session: str, message: str) -> tuple[int, str]:
    return post(f"{stack.rasa_url}/webhooks/web/webhook",
                json.dumps({"session": session, "message": message}).encode())


def test_the_web_chat_takes_no_sender_from_the_client_only_a_session_it_issued(stack):
    victim = f"telegram-{uuid.uuid4().int % 10**9}"
    assert post(f"{stack.rasa_url}/webhooks/web/webhook",
                json.dumps({"sender": victim, "message": "xin chào"}).encode())[0] == 400
    session = web_session(stack)
    session_id, expires, signature = session.split(".")
    forged = f"{session_id}.{int(expires) + 86400}.{signature}"                # a longer life, same signature
    for token in (victim, forged, "x.1.y"):
        assert web(stack, token, "xin chào")[0] == 401
    status, _ = web(stack, session, "xin chào")
    assert status == 200 and user_events(stack, victim) == []
    assert [e["text"] for e in user_events(stack, "web-" + session.split(".")[0])] == ["xin chào"]


@pytest.mark.parametrize("body", [b"", b"[]", b"null", b"{}", b'{"sender": 5, "message": "x"}', b"\xff\xfe",
                                  b'{"sender": "a b", "message": "x"}',
                                  json.dumps({"sender": "a", "message": "x" * 200_000}).encode()])
def test_a_malformed_body_gets_400_not_500(stack, body):
    assert post(f"{stack.rasa_url}/webhooks/rest/webhook", body)[0] == 400
    assert post(f"{stack.rasa_url}/webhooks/web/webhook", body.replace(b'"sender"', b'"session"'))[0] in (400, 401)
    assert "trợ lý ảo" in Conversation(stack.rasa_url).text("xin chào")     # and the server answers normally


def test_a_message_too_long_for_nlu_is_answered_without_reaching_it(stack):
    """The 5,100-character message of the review (a procedure name repeated) took 5.7 s of CPU."""
    sender = f"long-{uuid.uuid4().hex[:8]}"
    status, body = post(f"{stack.rasa_url}/webhooks/rest/webhook",
                        json.dumps({"sender": sender, "message": "đăng ký khai sinh " * 300}).encode())
    assert status == 200 and "dài quá 1.000 ký tự" in json.loads(body)[0]["text"]
    assert user_events(stack, sender) == []                                  # Rasa never saw it


def test_the_pages_forbid_framing_and_foreign_scripts(stack):
    for page in ("chat", "privacy"):
        with urllib.request.urlopen(f"{stack.rasa_url}/webhooks/web/{page}", timeout=10) as reply:
            assert reply.headers["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]


def test_the_embedded_secrets_exist_with_mode_600(stack):
    for name in ("actions_token", "dossier_hash_key", "web_session_secret", "pseudonym_key", "notify_token"):
        path = stack.var_dir / "secrets" / name
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and len(path.read_text().strip()) >= 32
        assert stack.env[name.upper()] == path.read_text().strip()


def test_rotating_web_chat_senders_from_one_address_are_stopped_and_the_owner_is_not(stack, store):  # noqa: F811
    """Check digits guessed across many codes, a new web chat sender for every try, from one address."""
    from tests.conversations.test_dossier import ASK_DIGITS, LOCKED, code, look_up, phone

    def say(session: str, message: str) -> str:
        status, body = web(stack, session, message)
        assert status == 200
        return "\n".join(m.get("text", "") for m in json.loads(body))

    replies = []
    for attempt in range(6):
        session = web_session(stack)                                # a fresh conversation for every try
        assert ASK_DIGITS in say(session, f"tra cứu hồ sơ {code(950 + attempt)}")
        replies.append(say(session, "1234"))
    assert LOCKED in replies[4] and LOCKED in replies[5]          # the address, not each sender
    assert "Đang xử lý" in look_up(Conversation(stack.rasa_url), 30, phone(30)[-4:])   # the owner, elsewhere
