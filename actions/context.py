"""The procedure under discussion, and what a message does to it.

A message is read as (the detail it asks, the words left that could name a procedure): "phi
bao nhieu tien" asks the fee and names nothing, so it keeps the procedure in context however
confidently its words alone match some record ("Hỗ trợ chi phí mai táng"); "lệ phí làm hộ chiếu
phổ thông" names a passport. A named procedure replaces the current one only on strong
evidence; weaker evidence is put to the citizen as a question (Confirm).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from knowledge_base.schema import Faq, Procedure, Record
from knowledge_base.search import SearchResult
from knowledge_base.text import load_vocabulary, tokens

# Folded phrases that ask for one detail of a procedure -> the detail intent they ask. Longer
# phrases first where one contains another.
DETAIL_PHRASES: dict[str, tuple[str, ...]] = {
    "ask_fee": ("le phi", "bao nhieu tien", "het bao nhieu", "ton bao nhieu", "mat phi", "mat tien", "chi phi",
                "phi", "nop tien", "dong tien", "bao nhieu"),
    "ask_duration": ("bao lau", "may ngay", "bao nhieu ngay", "thoi gian", "thoi han", "khi nao co", "lau khong",
                     "lay ngay", "bao gio co", "bao gio", "khi nao xong", "khi nao"),
    "ask_where": ("o dau", "noi nop", "cho nao", "nop tai", "dia chi", "co quan nao", "nhan ket qua"),
    "ask_documents": ("can nhung giay to gi", "can nhung gi", "can giay to gi", "can mang theo", "can mang",
                      "giay to gi", "giay to", "can gi", "mang gi", "mang theo", "chuan bi gi", "chuan bi nhung gi",
                      "thanh phan ho so", "ho so gom", "ho so can"),
    "ask_steps": ("cac buoc", "quy trinh", "trinh tu", "cach lam", "lam the nao", "nhu the nao", "the nao",
                  "lam sao"),
    "ask_online": ("online", "truc tuyen", "qua mang", "tren mang", "dich vu cong"),
}
# Folded phrases shared by every procedure: alone they name none ("bao lâu thì có giấy phép").
GENERIC = ("giay phep", "ket qua", "ho so", "thu tuc", "giay to", "cho hoi", "cho em hoi", "cho toi hoi")
# Folded small-talk phrases: they name nothing either ("vâng, cảm ơn. thế lệ phí bao nhiêu").
SMALL_TALK = ("cam on", "cam ta", "tam biet", "hen gap lai", "xin chao", "chao", "thanks", "thank", "bye",
              "dung roi", "dung vay", "duoc roi")
# Folded single words that name nothing: pronouns, particles, question words. Syllables that
# also occur in procedure names unaccented ("căn", "sổ", "lại", "thẻ", "di") are not here.
FILLERS = frozenset("""
a ah ak ad anh ba bac bay be cho chi co cua da duoc em gi gio giup hay hoi khong ko k kg la lam luon
minh muon nao nay nua nhe nhi nhung nop o oi phai ra roi sao se thi tiep toi tui u uh van vay ve voi
vs xin them het biet hien cac den tai vang ok oke dung thoi de mai phuong xa theo giay mat xong
""".split())
WRITTEN_FILLERS = frozenset({"cần", "còn", "thế"})   # fillers only when typed with their accents

_DETAILS_LONGEST_FIRST = sorted(((p, i) for i, ps in DETAIL_PHRASES.items() for p in ps),
                                key=lambda item: -len(item[0].split()))
SWITCH_AT = 0.80    # fused score of the named record for a switch without asking
NAMED_AT = 0.50     # below this the words name nothing the knowledge base knows
KEEP_MARGIN = 0.05  # the current record this close to the best: the message is about it


@dataclass(frozen=True)
class Reading:
    detail: str | None     # the detail intent its words ask, if any
    topic: str             # the words that may name a procedure, as typed
    names_something: bool  # two such words, or one known short form ("cccd")


def read(text: str) -> Reading:
    """The detail a message asks and the words left that may name a procedure."""
    parts = tokens(text)                       # (folded, as typed) per syllable
    folded = [f for f, _ in parts]
    keep = [True] * len(parts)
    detail = None
    for phrase, intent in _DETAILS_LONGEST_FIRST:
        if _strike(folded, keep, phrase.split()):
            detail = detail or intent
    for phrase in GENERIC + SMALL_TALK:
        _strike(folded, keep, phrase.split())
    topic = [(f, w) for (f, w), kept in zip(parts, keep)
             if kept and f not in FILLERS and w not in WRITTEN_FILLERS]
    named = len(topic) >= 2 or any(_short_form(f) for f, _ in topic)
    return Reading(detail, " ".join(w for _, w in topic), named)


def says_small_talk(text: str) -> bool:
    """The message has a greeting, thanks, goodbye or yes in it ("ok cảm ơn nhé")."""
    words = " " + " ".join(f for f, _ in tokens(text)) + " "
    return any(f" {phrase} " in words for phrase in SMALL_TALK)


def _short_form(word: str) -> bool:
    """A chat short form the abbreviation table expands ("cccd", "gplx", "lltp")."""
    return bool(load_vocabulary().abbreviations.get((word,)))


def _strike(words: list[str], keep: list[bool], phrase: list[str]) -> bool:
    """Mark every not yet struck occurrence of a phrase as struck; whether there was one."""
    found, n = False, len(phrase)
    for i in range(len(words) - n + 1):
        if words[i:i + n] == phrase and all(keep[i:i + n]):
            keep[i:i + n] = [False] * n
            found = True
    return found


class Searcher(Protocol):
    def search(self, query: str, top_k: int = 5) -> SearchResult: ...
    def get(self, record_id: str) -> Record | None: ...


@dataclass(frozen=True)
class About:
    """The message is about this procedure (the current one, or one it clearly names)."""

    record: Procedure


@dataclass(frozen=True)
class AboutFaq:
    """The message clearly asks what a catalog answer (not a procedure) covers: "ly hôn nộp ở đâu"."""

    record: Faq


@dataclass(frozen=True)
class Confirm:
    current: Procedure
    proposed: Procedure


@dataclass(frozen=True)
class Candidates:
    result: SearchResult


@dataclass(frozen=True)
class Nothing:
    pass


FollowUp = About | AboutFaq | Confirm | Candidates | Nothing


def follow_up(kb: Searcher, current_id: str | None, text: str) -> FollowUp:
    """Which procedure a detail question is about: the current one unless the message clearly
    names another; a weakly named one is to be confirmed."""
    current = kb.get(current_id) if current_id else None
    current = current if isinstance(current, Procedure) else None
    reading = read(text)
    if not reading.names_something:
        return About(current) if current else Nothing()
    result = kb.search(reading.topic)
    if result.decision == "answer" and isinstance(result.best.record, Faq) and result.best.score >= SWITCH_AT:
        return AboutFaq(result.best.record)    # no procedure has the detail asked: the answer has it
    procedures = [h for h in result.hits if isinstance(h.record, Procedure)]
    if not procedures or procedures[0].score < NAMED_AT:
        return About(current) if current else Nothing()
    best = procedures[0]
    if current is not None:
        if any(h.record.id == current.id and h.score >= best.score - KEEP_MARGIN for h in procedures):
            return About(current)
        if result.decision == "answer" and best.score >= SWITCH_AT:
            return About(best.record)
        return Confirm(current, best.record)
    if result.decision == "answer":
        return About(best.record)
    return Candidates(result)
