"""Insults: answered calmly (utter_insult_reply) and never stored as content for staff.

NLU has an insult intent; this word check catches the insults it reads as a remark or a
comment. Words with accents are matched as typed ("ngủ" is not "ngu"), the rest folded.
"""
from __future__ import annotations

from knowledge_base.text import fold, normalize, tokens

ACCENTED = frozenset({"ngu", "cứt", "cút", "đm", "đmm", "dm", "dmm", "vcl", "vl", "vkl", "đéo", "đếch", "điên",
                      "đần", "khốn", "óc chó", "mẹ kiếp", "ngu si", "đồ chó"})
FOLDED = frozenset({"ngu", "dm", "dmm", "vcl", "vl", "vkl", "deo", "oc cho", "me kiep", "do cho"})


def is_insult(text: str) -> bool:
    written = [w for _, w in tokens(text)]
    phrases = set(written) | {" ".join(pair) for pair in zip(written, written[1:])}
    if phrases & ACCENTED:
        return True
    if fold(text) == normalize(text):          # typed without accents: compare folded
        folded = [f for f, _ in tokens(text)]
        return bool((set(folded) | {" ".join(p) for p in zip(folded, folded[1:])}) & FOLDED)
    return False
