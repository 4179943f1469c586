"""Splitting a long reply into messages a platform accepts."""
from __future__ import annotations

from typing import Callable

SEPARATORS = ("\n\n", "\n", ". ", " ")   # preferred cut points, best first


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, length: Callable[[str], int] = len) -> list[str]:
    """`text` in pieces of at most `limit` (as measured by `length`), cut at a paragraph, line,
    sentence or word boundary when one lies in the second half of the piece. No empty pieces."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if length(rest) <= limit:
            pieces.append(rest)
            break
        fit = _longest_prefix(rest, limit, length)
        cut = fit
        for separator in SEPARATORS:
            at = rest.rfind(separator, 0, fit)
            if at > fit // 2:
                cut = at + len(separator.rstrip()) if separator.strip() else at
                break
        piece = rest[:cut].rstrip()
        pieces.append(piece)
        rest = rest[cut:].lstrip()
    return pieces


def _longest_prefix(text: str, limit: int, length: Callable[[str], int]) -> int:
    """The largest n with length(text[:n]) <= limit (length grows with n)."""
    low, high = 1, min(len(text), limit)
    while low < high:
        middle = (low + high + 1) // 2
        if length(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low
