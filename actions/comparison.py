"""Comparisons of two procedures, answered side by side from both records on what was asked.

"tạm trú với thường trú khác nhau thế nào" names both; "khác gì so với thường trú" names one,
the other is the procedure in context; "cái nào rẻ hơn" names none: the two procedures the
conversation discussed last. The second side often leaves out the words it shares with the
first ("cấp lại thẻ căn cước khác gì cấp đổi"): they are borrowed when it finds nothing alone.
Nothing is concluded for the citizen: each record's own values are shown next to each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.buttons import record_buttons
from actions.context import NAMED_AT, Searcher, read
from actions.procedure_text import SUMMARY_LIMIT, ProcedureText, short_name, shorten
from actions.responses import phrase
from knowledge_base.schema import Procedure
from knowledge_base.text import tokens

# Folded phrases that make a message a comparison; they also separate its two sides.
MARKERS = ("co gi khac nhau", "co khac nhau khong", "co khac nhau", "khac nhau o diem nao", "khac nhau cho nao",
           "khac nhau nhu the nao", "khac nhau the nao", "khac nhau ra sao", "khac nhau khong", "khac nhau",
           "khac gi nhau", "khac gi so voi", "khac gi voi", "khac gi", "khac nhu the nao", "khac the nao",
           "khac o diem nao", "khac cho nao", "khac so voi", "giong nhau khong", "giong nhau", "so sanh",
           "so voi", "cai nao", "nen chon", "nen lam", "nen")
# Folded comparatives -> the detail they compare ("rẻ hơn": the fee).
COMPARATIVES = {"re hon": "ask_fee", "dat hon": "ask_fee", "ton hon": "ask_fee", "it tien hon": "ask_fee",
                "nhanh hon": "ask_duration", "lau hon": "ask_duration", "cham hon": "ask_duration",
                "de hon": "ask_documents", "don gian hon": "ask_documents", "it giay to hon": "ask_documents"}
SEPARATORS = ("voi", "va", "vs", "hay", "hoac")
# A phrase that only compares together with a second side or a comparative ("nên", "cái nào").
WEAK = frozenset({"cai nao", "nen chon", "nen lam", "nen", "so voi"})
POINTERS = ("utter_compare_channels", "utter_compare_more_channels")   # to the record buttons below


@dataclass(frozen=True)
class Comparison:
    sides: tuple[str, ...]   # the words naming each side, as typed (two, one or none)
    detail: str | None       # the detail intent compared; None: the key facts


def parse(text: str) -> Comparison | None:
    """The comparison a message asks for, or None when it asks none."""
    parts = tokens(text)
    words, typed = [f for f, _ in parts], [w for _, w in parts]
    joined = " " + " ".join(words) + " "
    found = [m for m in MARKERS if f" {m} " in joined]
    comparative = next((d for p, d in COMPARATIVES.items() if f" {p} " in joined), None)
    cut = [False] * len(words)
    for marker in sorted([*found, *COMPARATIVES], key=lambda p: -len(p.split())):
        _mark(words, cut, marker.split())
    strong = any(m not in WEAK for m in found)
    sides = tuple(s for s in (read(seg).topic for seg in _segments(words, typed, cut)) if s)
    if not (strong or comparative or (found and len(sides) >= 2)):
        return None
    kept = " ".join(t for t, c in zip(typed, cut) if not c)
    return Comparison(sides[:2], comparative or read(kept).detail)


def _mark(words: list[str], cut: list[bool], phrase: list[str]) -> None:
    n = len(phrase)
    for i in range(len(words) - n + 1):
        if words[i:i + n] == phrase and not any(cut[i:i + n]):
            cut[i:i + n] = [True] * n


def _segments(words: list[str], typed: list[str], cut: list[bool]) -> list[str]:
    """The stretches of the message between markers and separators ("với", "và", "hay")."""
    segments, current = [], []
    for i, (word, word_typed) in enumerate(zip(words, typed)):
        # "đối với" is part of a name, not "versus"
        separating = word in SEPARATORS and not (word == "voi" and i and words[i - 1] == "doi")
        if cut[i] or separating:
            segments.append(" ".join(current))
            current = []
        else:
            current.append(word_typed)
    segments.append(" ".join(current))
    return [s for s in segments if s.strip()]


def resolve(kb: Searcher, words: str, other: str | None = None) -> Procedure | None:
    """The procedure one side names: alone, or with the words it shares with the other side."""
    variants = [words]
    mine, theirs = words.split(), (other or "").split()
    if len(mine) < len(theirs):
        variants.insert(0, " ".join(mine + theirs[len(mine):]))   # "cấp đổi" + "thẻ căn cước"
    best = None
    for variant in variants:
        result = kb.search(variant)
        hits = [h for h in result.hits if isinstance(h.record, Procedure) and h.score >= NAMED_AT]
        if hits and result.decision == "answer":
            return hits[0].record
        best = best or (hits[0].record if hits else None)
    return best


def recent_procedures(tracker: Tracker, count: int = 2) -> list[str]:
    """The last procedures this conversation discussed or compared, newest first."""
    recent: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") in ("restart", "session_started"):
            break
        if event.get("event") == "slot" and event.get("name") in ("procedure_id", "compared_procedures"):
            value = event.get("value")
            for record_id in reversed(value) if isinstance(value, list) else [value]:
                if record_id and record_id not in recent:
                    recent.append(record_id)
        if len(recent) >= count:
            break
    return recent[:count]


def answer_comparison(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker,
                      kb: Searcher, text: str) -> list[dict] | None:
    """The side-by-side answer if the message asks for a comparison, else None."""
    if text.startswith("/"):
        return None
    comparison = parse(text)
    if comparison is None:
        return None
    sides = comparison.sides
    if len(sides) >= 2:
        first = resolve(kb, sides[0], sides[1])
        second = resolve(kb, sides[1], sides[0])
    else:
        recent = [r for r in map(kb.get, recent_procedures(tracker)) if isinstance(r, Procedure)]
        named = resolve(kb, sides[0]) if sides else None
        first = recent[0] if recent else None
        second = named if named is not None else (recent[1] if len(recent) > 1 else None)
        if named is None and len(recent) > 1:
            first, second = recent[1], recent[0]    # in the order they were discussed
    if first is None or second is None:
        if first is None and second is None:
            return None                  # nothing the knowledge base knows: not ours to compare
        known = first or second
        dispatcher.utter_message(response="utter_ask_compare_with", name=known.name)
        return []
    render(dispatcher, domain, first, second, comparison.detail)
    return [SlotSet("compared_procedures", [first.id, second.id])]


# Detail intent -> (the heading's words, one side's value at a size: value characters, channel lines).
ROWS = {
    "ask_fee": ("utter_compare_fee", lambda t, p, n, lines: t.fee_short(p, n, lines, POINTERS)),
    "ask_duration": ("utter_compare_duration", lambda t, p, n, lines: t.duration(p, n, lines, POINTERS)),
    "ask_where": ("utter_compare_where", lambda t, p, n, lines: shorten(t.where(p), n)),
    "ask_documents": ("utter_compare_documents", lambda t, p, n, lines: t.documents_short(p, 2, n)),
    "ask_online": ("utter_compare_online", lambda t, p, n, lines: t.online(p)),
}
KEY_FACTS = ("ask_duration", "ask_fee", "ask_where")
# Ever smaller comparisons, tried in turn until one fits a phone screen: (name characters, value
# characters, channel lines of a value (0: how many channels, under the record's button), the level).
SIZES = ((80, 70, 2, True), (60, 50, 1, True), (45, 40, 0, True), (40, 35, 0, False))


def render(dispatcher: CollectingDispatcher, domain: dict[str, Any], first: Procedure, second: Procedure,
           detail: str | None) -> None:
    buttons = record_buttons([first, second])
    if first.id == second.id:
        dispatcher.utter_message(response="utter_comparison_same_procedure", name=first.name, buttons=buttons[:1])
        return
    asked = [detail] if detail in ROWS else list(KEY_FACTS)
    text = ProcedureText(domain)
    for size in SIZES:
        rows = side_by_side(text, domain, (first, second), asked, *size)
        if len(phrase(domain, "utter_procedure_comparison", rows=rows)) <= SUMMARY_LIMIT:
            break
    dispatcher.utter_message(response="utter_procedure_comparison", rows=rows, buttons=buttons)


def side_by_side(text: ProcedureText, domain: dict[str, Any], procedures: tuple[Procedure, ...], asked: list[str],
                 name: int, value: int, lines: int, with_level: bool) -> str:
    """One block per procedure: its name and level, then each value asked, indented under it."""
    blocks = []
    for procedure in procedures:
        block = [f"▪️ {short_name(procedure.name, name)}" + (f" ({text.level(procedure)})" if with_level else "")]
        for intent in asked:
            heading, shown = ROWS[intent]
            block.append(f"  {phrase(domain, heading)}: " + shown(text, procedure, value, lines).replace("\n", "\n    "))
        blocks.append("\n".join(block))
    return "\n".join(blocks)
