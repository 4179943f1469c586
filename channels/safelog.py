"""Logging that never prints tokens, phone numbers or ID numbers.

Every module of this package logs through `get_logger(__name__)`: its records pass a filter
that replaces the registered secrets (bot tokens, API keys) and long numbers (phone, ID,
chat ids) before any handler sees them, tracebacks included. Use `who()` to tell users apart.
"""
from __future__ import annotations

import logging

from privacy import mask, pseudonym  # standard library only, shared with the actions

_SECRETS: set[str] = set()
_FORMATTER = logging.Formatter()


def register_secret(*values: str) -> None:
    """Values that must never appear in a log line (ignored when empty or too short to matter)."""
    _SECRETS.update(value for value in values if value and len(value) >= 6)


def scrub(text: str) -> str:
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    return mask(text)


def who(user_id: str) -> str:
    """A short stable stand-in for a user in log lines."""
    return "user#" + pseudonym(user_id)[:8]


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage()), ()
        if record.exc_info:
            record.exc_text = scrub(_FORMATTER.formatException(record.exc_info))
        return True


_FILTER = RedactingFilter()


def get_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger


def quiet_http_loggers() -> None:
    """httpx logs every request URL, and Telegram's URLs contain the bot token."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO)   # its DEBUG lines print the API URL
