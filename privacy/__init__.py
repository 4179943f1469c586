"""Keeping personal data out of what we store and log: one masking function, one list of patterns.

Standard library only (and envconfig): the Rasa environment (conversation store, channel logs) and the action
server's (journal, look-up) share it. Whatever is kept (conversations, logs, unanswered
questions, feedback, hand-off records) passes through `mask` first; the dossier look-up itself
receives the message as typed.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from typing import Callable

from envconfig import getenv

MASK = "***"

# A digit, or a digit said in words (with or without diacritics), as citizens type numbers.
_DIGIT_WORD = (r"(?:không|khong|một|mot|mốt|hai|ba|bốn|bon|tư|năm|nam|lăm|lam|sáu|sau|bảy|bay|"
               r"tám|tam|chín|chin|linh)")
_AMOUNT_AFTER = r"(?!\s*(?:đ\b|đồng|dong\b|vnđ|vnd|k\b|nghìn|nghin|ngàn|ngan|triệu|trieu|tỷ|ty\b|%))"

_DIGIT_WORD_ALONE = re.compile(rf"(?i)\b{_DIGIT_WORD}\b")


def _number_in_words(match: re.Match[str]) -> str:
    """Seven or more numbers in a row are masked when at least one is said in words (all digits:
    the ID pattern takes them)."""
    return MASK if _DIGIT_WORD_ALONE.search(match.group(0)) else match.group(0)


# (what it is, pattern, what a match becomes): applied in this order.
PATTERNS: tuple[tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    ("e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), MASK),
    # +84 / 84 / 0 then 9-10 more digits, with spaces, dots or dashes between any of them
    ("phone number", re.compile(r"(?<![\w.])(?:\+\s?84|0084|84|0)(?:[\s.-]?\d){8,10}(?!\d)"), MASK),
    # numbers read out in words, mixed with digits: "không chín 1 2 ba bốn 5 6 7 8"
    ("number in words", re.compile(rf"(?i)\b(?:(?:{_DIGIT_WORD}|\d{{1,4}})[\s.,-]+){{6,}}(?:{_DIGIT_WORD}|\d{{1,4}})\b"),
     _number_in_words),
    # passport (a letter and 7-8 digits), then any 6+ digit run: ID/CCCD (9 or 12 digits),
    # bank accounts, dossier codes' numbers; amounts of money ("100.000 đồng") and national
    # procedure codes ("1.001193") are kept.
    ("passport number", re.compile(r"\b[A-Za-z]\s?\d{7,8}\b"), MASK),
    ("ID or account number", re.compile(r"(?<![\w.])(?!\d\.\d{6}\b)\d(?:[\s.-]?\d){5,}(?![\s.-]?\d)" + _AMOUNT_AFTER),
     MASK),
    # the 4 check digits of a dossier look-up, where the citizen says so
    ("check digits", re.compile(r"(?i)((?:\d\s?)?(?:số|so)\s(?:cuối|cuoi)|đuôi|duoi)(\D{0,20}?)\d{4}\b"),
     rf"\g<1>\g<2>{MASK}"),   # the cue words stay
)
_CHECK_DIGITS_ONLY = re.compile(r"\s*\d(?:\s?\d){3}\s*")


def mask(text: str) -> str:
    """The text with personal numbers and e-mail addresses replaced by MASK (see PATTERNS)."""
    for _kind, pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def mask_reply_to_check_digits(text: str) -> str:
    """A message that is only 4 digits (the answer to "the last 4 digits of your phone?"), masked;
    any other text as `mask` leaves it."""
    return MASK if _CHECK_DIGITS_ONLY.fullmatch(text or "") else mask(text or "")


def pseudonym(value: str) -> str:
    """A stable stand-in for a sender id (for counting, never for contacting): an HMAC with the
    secret PSEUDONYM_KEY, so that trying every chat id does not reverse it (the stack makes the key)."""
    key = getenv("PSEUDONYM_KEY", "hanoi-assistant:unset-pseudonym-key")
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]
