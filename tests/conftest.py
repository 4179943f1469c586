"""Fixtures shared by both environments' test runs (standard library only at import time)."""
from __future__ import annotations

import json
import os
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


# The whole shipped catalog's index, built once and shared by the quality gate and the real
# servers; kept between runs under var/ and rebuilt only when the catalog or analysis changed.
FULL_INDEX_DIR = ROOT / "var" / "test-index"


@pytest.fixture(scope="session")
def full_index_dir() -> Path:
    import subprocess
    import sys

    env = {**os.environ, "KB_INDEX_DIR": str(FULL_INDEX_DIR), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "knowledge_base", "build", "--if-changed"], cwd=ROOT, env=env,
                   check=True)
    return FULL_INDEX_DIR


@pytest.fixture(scope="session")
def stack(tmp_path_factory, full_index_dir):
    """The real assistant, trained once and booted once per test session, on its own ports."""
    from scripts.stack import Stack

    stack = Stack(
        var_dir=tmp_path_factory.mktemp("var"),
        log_dir=ARTIFACTS / "logs",
        overrides={"RASA_PORT": os.environ.get("TEST_RASA_PORT", "15005"),
                   "ACTIONS_PORT": os.environ.get("TEST_ACTIONS_PORT", "15055"),
                   "KB_INDEX_DIR": str(full_index_dir)},
    )
    stack.start()
    yield stack
    stack.stop()


class Conversation:
    """One citizen talking to the bot through Rasa's REST channel."""

    def __init__(self, rasa_url: str):
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex[:12]}"

    def say(self, text: str) -> list[dict]:
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read())

    def text(self, message: str) -> str:
        """Everything the bot answered to a message, as one text."""
        return "\n".join(m.get("text", "") for m in self.say(message))


@pytest.fixture
def conversation(stack) -> Conversation:
    return Conversation(stack.rasa_url)
