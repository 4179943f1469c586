"""The connectors' own citizen-facing wording, kept in notices.yml (not in Python)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

NOTICES_FILE = Path(__file__).with_name("notices.yml")
MAX_MESSAGE = 1000      # characters: a longer message never reaches NLU or search ("too_long" says so)
INVISIBLE = " \t\r\n\u00a0\u200b\u200c\u200d\u2060\ufeff\u3000"   # a message of only these is empty


@lru_cache(maxsize=1)
def _notices() -> dict[str, str]:
    return yaml.safe_load(NOTICES_FILE.read_text(encoding="utf-8"))


def notice(name: str) -> str:
    return _notices()[name]


def refusal(text: str) -> str | None:
    """The notice that answers a message without passing it to Rasa: empty (only invisible
    characters), or longer than MAX_MESSAGE; None for a message Rasa should read."""
    if not text.strip(INVISIBLE):
        return "empty_message"
    return "too_long" if len(text) > MAX_MESSAGE else None
