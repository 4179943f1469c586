"""Rasa answers with `utter_service_unavailable` when the action server cannot be reached
(scripts/rasa_fallback.py), and keeps its own behaviour for every other failure.
Runs in .venv-rasa; skipped where Rasa is not installed."""
from __future__ import annotations

import asyncio
import http.server
import json
import socket
import threading
from pathlib import Path

import pytest

pytest.importorskip("rasa")

from rasa.core.actions import action as rasa_action  # noqa: E402
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction  # noqa: E402
from rasa.core.channels.channel import CollectingOutputChannel  # noqa: E402
from rasa.core.nlg import TemplatedNaturalLanguageGenerator  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.shared.exceptions import RasaException  # noqa: E402
from rasa.utils.endpoints import EndpointConfig  # noqa: E402

from scripts.rasa_fallback import RESPONSE, answer_when_action_server_unreachable  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


@pytest.fixture
def patched():
    original = RemoteAction.run
    answer_when_action_server_unreachable()
    yield
    RemoteAction.run = original


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_action(domain: Domain, url: str, events: list | None = None) -> list:
    tracker = DialogueStateTracker.from_events("citizen", events or [UserUttered("đăng ký khai sinh")])
    action = RemoteAction("action_answer_procedure", EndpointConfig(url=url))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    return asyncio.run(asyncio.wait_for(action.run(CollectingOutputChannel(), nlg, tracker, domain), 30))


class Replying(http.server.BaseHTTPRequestHandler):
    status = 500
    body = b"{}"

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def action_server():
    """An action server on 127.0.0.1 that answers every call with Replying.status/body."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Replying)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/webhook"
    server.shutdown()
    server.server_close()


def test_the_domain_has_the_vietnamese_response(domain):
    text = domain.responses[RESPONSE][0]["text"]
    assert "tạm gián đoạn" in text and "thử lại" in text


def test_unreachable_action_server_yields_the_response(domain, patched):
    events = run_action(domain, f"http://127.0.0.1:{free_port()}/webhook")     # nothing listens there
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert events[0].text == domain.responses[RESPONSE][0]["text"]
    assert events[0].metadata["utter_action"] == RESPONSE


def test_without_the_patch_rasa_raises(domain):
    assert not getattr(RemoteAction.run, "answers_when_unreachable", False)
    with pytest.raises(RasaException, match="Couldn't connect"):
        run_action(domain, f"http://127.0.0.1:{free_port()}/webhook")


def test_an_action_server_that_never_answers_yields_the_response(domain, patched, monkeypatch):
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", 0.5)            # Rasa's is 5 minutes
    with socket.socket() as silent:                                              # accepts, never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        events = run_action(domain, f"http://127.0.0.1:{silent.getsockname()[1]}/webhook")
    assert [event.text for event in events] == [domain.responses[RESPONSE][0]["text"]]


def test_one_apology_per_turn(domain, patched):
    url = f"http://127.0.0.1:{free_port()}/webhook"
    first = run_action(domain, url)
    turn = [UserUttered("đăng ký khai sinh"), ActionExecuted("action_answer_procedure"), *first]
    assert run_action(domain, url, turn) == []
    assert len(run_action(domain, url, [*turn, UserUttered("khai sinh")])) == 1   # a new turn: apologise again


def test_an_error_status_stays_rasas_error(domain, patched, action_server, monkeypatch):
    monkeypatch.setattr(Replying, "status", 500)
    with pytest.raises(RasaException, match="Failed to execute custom action"):
        run_action(domain, action_server)


def test_a_rejection_stays_a_rejection(domain, patched, action_server, monkeypatch):
    monkeypatch.setattr(Replying, "status", 400)
    monkeypatch.setattr(Replying, "body", json.dumps({"action_name": "action_answer_procedure",
                                                      "error": "rejected"}).encode())
    with pytest.raises(ActionExecutionRejection):
        run_action(domain, action_server)


def test_a_working_action_server_is_untouched(domain, patched, action_server, monkeypatch):
    monkeypatch.setattr(Replying, "status", 200)
    monkeypatch.setattr(Replying, "body", json.dumps({"events": [], "responses": [{"text": "ok"}]}).encode())
    assert [event.text for event in run_action(domain, action_server)] == ["ok"]


def test_patching_twice_keeps_one_layer(patched):
    patched_run = RemoteAction.run
    answer_when_action_server_unreachable()
    assert RemoteAction.run is patched_run
