"""The notification tests: the application database on both engines, a recording channel transport."""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

import pytest

from dossiers.model import VIETNAM
from notifications.transport import Outcome, Result


@dataclass
class RecordingTransport:
    """Stands in for the Rasa server's channels: records each call; answers from a script, then "sent".
    Like the real channels, a key it answered "sent" is answered "duplicate" (and not recorded) again."""

    script: list[Outcome] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
    delivered: dict[str, dict] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, channel, key, conversation_id, text, buttons) -> Outcome:
        with self.lock:
            call = {"channel": channel, "key": key, "conversation": conversation_id, "text": text, "buttons": buttons}
            self.calls.append(call)
            outcome = self.script.pop(0) if self.script else Outcome(Result.SENT)
            if outcome.result is Result.SENT:
                self.delivered.setdefault(key, call)
            return outcome

    def to(self, conversation: str) -> list[dict]:
        return [c for c in self.delivered.values() if c["conversation"] == conversation]

    def close(self) -> None:
        pass


class Clock:
    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, app_db):
    return app_db if request.param == "sqlite" else request.getfixturevalue("postgres_engine")


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 10, 9, 0, tzinfo=VIETNAM))
