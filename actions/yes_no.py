"""Yes/no questions about the procedure in context, answered from the record's own text.

"có phải chụp ảnh lại không" is not answered with the summary again: the sentence of the
record (conditions, notes, steps, documents) that shares the most words with the question is
quoted with the field it comes from, or the bot says honestly that the record does not say.
Nothing is inferred: the citizen reads the record's words, never a yes or no of ours.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge_base.schema import Procedure
from knowledge_base.text import fold, has_diacritics, syllables, tokens

from actions.context import FILLERS

# Folded openings of a yes/no question ("có phải", "có cần", "có được", "có bắt buộc") and its
# closing particles ("… không", "… ko", "… chưa").
_ASKS = re.compile(r"\b(co phai|co can|co duoc|co bat buoc|co mat|phai .+|can .+)\b")
_CLOSES = re.compile(r"\b(khong|ko|k|kg|hong|chua|hay khong)\s*\??\s*$")
_SENTENCE = re.compile(r"(?<=[.;!?:])\s+|\n+|\s+-\s+")
MIN_SHARED = 2           # words shared with the question, at least, for a sentence to be quoted
QUOTE = 300              # characters of a quoted sentence, at most
PARTS = ("conditions", "notes", "steps", "documents")
QUESTION_WORDS = frozenset({"khong", "ko", "phai", "can", "duoc", "bat", "buoc", "hay"})


@dataclass(frozen=True)
class Quote:
    part: str            # the record's field: conditions | notes | steps | documents
    text: str


def is_yes_no(text: str) -> bool:
    folded = " ".join(fold(text).replace("?", " ? ").split())
    return bool(_ASKS.search(folded) and _CLOSES.search(folded))


def _sentences(procedure: Procedure, part: str) -> list[str]:
    if part == "documents":
        texts: tuple[str, ...] = tuple(d.name for d in procedure.documents or ())
    else:
        value = getattr(procedure, part)
        texts = value if isinstance(value, tuple) else (value,) if value else ()
    return [s.strip(" -*+•") for t in texts for s in _SENTENCE.split(t) if len(s.strip(" -*+•")) > 3]


def _words(accented: bool):
    if accented:
        return lambda text: {w for _, w in tokens(text)}
    return lambda text: set(syllables(text))


def find_quote(procedure: Procedure, question: str) -> Quote | None:
    """The record's sentence that shares the most words with the question, if it shares at least
    MIN_SHARED besides fillers and the words of the record's name (which every sentence has)."""
    words = _words(has_diacritics(question))   # with accents when typed so: "đóng thuế" is not "đồng thuê"
    named = words(procedure.name)
    asked = {w for f, w in tokens(question) if f not in FILLERS and f not in QUESTION_WORDS} \
        if has_diacritics(question) else {f for f in syllables(question) if f not in FILLERS | QUESTION_WORDS}
    best: tuple[int, Quote] | None = None
    for part in PARTS:
        for sentence in _sentences(procedure, part):
            shared = len((asked - named) & words(sentence))
            if shared >= MIN_SHARED and (best is None or shared > best[0]):
                best = (shared, Quote(part, sentence))
    return best[1] if best else None
