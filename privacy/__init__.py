"""Keeping personal data out of what we store and log."""
from __future__ import annotations

import hashlib
import re

_LONG_NUMBER = re.compile(r"\d[\d .-]{4,}\d")      # phone, ID and dossier numbers
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def mask(text: str) -> str:
    """The text with phone numbers, ID numbers and e-mail addresses replaced by ***."""
    return _EMAIL.sub("***", _LONG_NUMBER.sub("***", text))


def pseudonym(value: str) -> str:
    """A stable, non-reversible stand-in for a sender id (for counting, never for contacting)."""
    return hashlib.sha256(("hanoi-assistant:" + value).encode()).hexdigest()[:32]
