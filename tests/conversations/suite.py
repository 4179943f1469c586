"""The conversation suite: multi-turn scenarios (tests/conversations/scenarios/*.yml) played
against the real trained bot through Rasa's REST channel, each turn checked against what the
tracker recorded (the procedure in context, the responses sent) and what the citizen read.

A scenario is *fully right* when every turn meets its expectations and the phone-size checks,
*failed* when a turn commits one of the failures the citizen is misled by (an empty reply, an
answer about another procedure than the one asked about, a small-talk reply to a question, a
reply kind the turn forbids), and *partly right* otherwise (e.g. "did you mean" instead of the
answer, or a reply too long for a phone).

Standard library and PyYAML only: the benchmark and the pytest test share it.
"""
from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
CATALOG = ROOT / "knowledge_base" / "catalog"

SUMMARY_LIMIT = 600    # characters of a summary before its buttons: one phone screen
BUTTON_LIMIT = 40      # characters of a button title
# The response a reply was rendered from -> the kind of reply a scenario expects.
KINDS = {
    "utter_procedure_summary": "answer", "utter_faq_answer": "faq",
    "utter_procedure_documents": "documents", "utter_procedure_fee": "fee",
    "utter_procedure_duration": "duration", "utter_procedure_where": "where",
    "utter_procedure_steps": "steps", "utter_procedure_online": "online",
    "utter_ask_document_case": "cases", "utter_did_you_mean": "clarify",
    "utter_confirm_switch": "confirm_switch", "utter_procedure_not_found": "not_found",
    "utter_ask_which_procedure": "ask_which", "utter_greet": "greet", "utter_goodbye": "goodbye",
    "utter_you_are_welcome": "welcome", "utter_affirm_ack": "affirm_ack", "utter_deny_ack": "deny_ack",
    "utter_out_of_scope": "out_of_scope", "utter_default": "default", "utter_iamabot": "iamabot",
    "utter_handoff": "handoff", "utter_restart": "resumed",
    "utter_ask_dossier_code": "dossier_ask_code", "utter_ask_dossier_check_digits": "dossier_ask_digits",
    "utter_invalid_dossier_code": "dossier_invalid", "utter_dossier_summary": "dossier_summary",
    "utter_dossier_not_found": "dossier_not_found", "utter_dossier_lookup_cancelled": "dossier_cancelled",
    "utter_ask_feedback_comment": "feedback_ask_comment", "utter_feedback_thanks": "feedback_thanks",
    "utter_feedback_skipped": "feedback_skipped", "utter_insult_reply": "insult_reply",
    "utter_technical_problem": "technical_problem", "utter_record_says": "record_says",
    "utter_record_does_not_say": "record_silent", "utter_ask_rating": "rating",
    "utter_related_procedures": "related", "utter_detail_buttons": "detail_buttons",
    "utter_procedure_comparison": "comparison", "utter_comparison_same_procedure": "comparison",
    "utter_ask_compare_with": "ask_compare",
}
PROCEDURE_KINDS = frozenset({"answer", "documents", "fee", "duration", "where", "steps", "online", "cases",
                             "comparison"})
SMALL_TALK = frozenset({"goodbye", "welcome", "affirm_ack", "deny_ack", "greet"})
SCREEN_SIZED = {"utter_procedure_summary": "summary", "utter_procedure_comparison": "comparison"}   # ≤ SUMMARY_LIMIT
NOTES = ("📘 Nguồn:", "✅ Thông tin đã được", "⚠️ Thông tin chưa được")


def fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), for name fragments typed either way."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class Turn:
    say: str
    kind: tuple[str, ...] = ()          # any of these reply kinds
    procedure: tuple[str, ...] = ()     # the record in context has one of these in its name (folded)
    stays: bool = False                 # the record in context is the one before this turn
    forbid: tuple[str, ...] = ()        # reply kinds that are a failure here
    text: tuple[str, ...] = ()          # fragments the reply must contain (folded)
    press: str | None = None            # instead of say: press the button whose title has this fragment
    from_turn: int | None = None        # …under the reply to this turn (1-based); default: the last reply


@dataclass(frozen=True)
class Scenario:
    id: str
    group: str
    held_out: bool
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Reply:
    """What one message produced: the messages the citizen saw, and what the tracker recorded."""

    messages: tuple[dict, ...]
    responses: tuple[str, ...]
    procedure_id: str | None

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(KINDS.get(r, r) for r in self.responses)

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.messages)


@dataclass
class TurnResult:
    turn: Turn
    reply: Reply
    problems: list[str] = field(default_factory=list)
    severe: list[str] = field(default_factory=list)


@dataclass
class ScenarioResult:
    scenario: Scenario
    turns: list[TurnResult]

    @property
    def outcome(self) -> str:
        if any(t.severe for t in self.turns):
            return "failed"
        return "partly" if any(t.problems for t in self.turns) else "full"


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (str(value),)


def load_scenarios(directory: Path = SCENARIOS) -> list[Scenario]:
    scenarios = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["scenarios"]:
            turns = tuple(Turn(say=str(t.get("say", "")), kind=_tuple(t.get("kind")),
                               procedure=tuple(fold(p) for p in _tuple(t.get("procedure"))),
                               stays=bool(t.get("stays")), forbid=_tuple(t.get("forbid")),
                               text=tuple(fold(x) for x in _tuple(t.get("text"))), press=t.get("press"),
                               from_turn=t.get("from_turn"))
                          for t in item["turns"])
            scenarios.append(Scenario(item["id"], data["group"], bool(item.get("held_out")), turns))
    ids = Counter(s.id for s in scenarios)
    duplicated = [i for i, n in ids.items() if n > 1]
    if duplicated:
        raise ValueError(f"scenario ids used twice: {duplicated}")
    return scenarios


class TrackerFile:
    """The conversations Rasa wrote through to SQLite (bot/tracker_store.py)."""

    def __init__(self, path: str | Path):
        self.path = str(path)

    def events(self, sender_id: str) -> list[dict]:
        with closing(sqlite3.connect(self.path)) as db:
            row = db.execute("SELECT tracker FROM conversations WHERE sender_id = ?", (sender_id,)).fetchone()
        return json.loads(row[0])["events"] if row else []


def last_time(events: list[dict]) -> float:
    return max((e.get("timestamp") or 0.0 for e in events), default=0.0)


def replies_since(events: list[dict], since: float) -> tuple[tuple[str, ...], str | None]:
    """The responses sent after the moment `since` (by event time: a restart drops the earlier
    events from what Rasa stores), and the procedure slot at the end."""
    responses = tuple(e.get("metadata", {}).get("utter_action") or "?" for e in events
                      if e["event"] == "bot" and (e.get("timestamp") or 0.0) > since)
    procedure = None
    for event in events:
        if event["event"] == "slot" and event.get("name") == "procedure_id":
            procedure = event.get("value")
        elif event["event"] in ("restart", "session_started"):
            procedure = None
    return responses, procedure


class Names:
    """Record names by id, read from the catalog files on first need."""

    def __init__(self, catalog: Path = CATALOG):
        self.catalog = catalog
        self._names: dict[str, str] = {}

    def __call__(self, record_id: str | None) -> str:
        if not record_id:
            return ""
        if record_id not in self._names:
            for kind in ("procedures", "faqs"):
                path = self.catalog / kind / f"{record_id}.yaml"
                if path.is_file():
                    record = yaml.safe_load(path.read_text(encoding="utf-8"))
                    self._names[record_id] = record.get("name") or record.get("question") or record_id
                    break
            else:
                self._names[record_id] = record_id
        return self._names[record_id]


def check_turn(turn: Turn, reply: Reply, before: str | None, names: Names, notes_seen: Counter) -> TurnResult:
    result = TurnResult(turn, reply)
    kinds = set(reply.kinds)
    name = fold(names(reply.procedure_id))
    if not reply.messages:
        result.severe.append("empty reply (dead end)")
    if turn.kind and not kinds & set(turn.kind):
        wanted_procedure = set(turn.kind) & PROCEDURE_KINDS
        if wanted_procedure and kinds & SMALL_TALK:
            result.severe.append(f"small talk {sorted(kinds & SMALL_TALK)} to a question")
        else:
            result.problems.append(f"kind {sorted(kinds)} not in {list(turn.kind)}")
    for kind in kinds & set(turn.forbid):
        result.severe.append(f"forbidden reply {kind}")
    answered = bool(kinds & PROCEDURE_KINDS)
    if turn.procedure and not any(p in name for p in turn.procedure):
        message = f"procedure in context '{names(reply.procedure_id)}' is not {list(turn.procedure)}"
        (result.severe if answered else result.problems).append(message)
    if turn.stays and reply.procedure_id != before:
        message = f"left the procedure in context ({names(before)} -> {names(reply.procedure_id)})"
        (result.severe if answered else result.problems).append(message)
    folded = fold(reply.text)
    for fragment in turn.text:
        if fragment not in folded:
            result.problems.append(f"reply lacks '{fragment}'")
    result.problems.extend(phone_problems(reply, notes_seen))
    return result


def phone_problems(reply: Reply, notes_seen: Counter) -> list[str]:
    """A reply that does not fit a phone: a long summary, long button titles, a repeated note."""
    problems = []
    for message, response in zip(reply.messages, _aligned(reply)):
        text = message.get("text", "")
        if response in SCREEN_SIZED and len(text) > SUMMARY_LIMIT:
            problems.append(f"{SCREEN_SIZED[response]} of {len(text)} characters")
        for button in message.get("buttons", []):
            if len(button.get("title", "")) > BUTTON_LIMIT:
                problems.append(f"button title of {len(button['title'])} characters")
        for line in text.splitlines():
            if line.startswith(NOTES):
                notes_seen[line] += 1
                if notes_seen[line] > 1:
                    problems.append("provenance note repeated")
    return problems


def _aligned(reply: Reply) -> list[str]:
    """The response of each message the citizen saw (REST sends them in the tracker's order)."""
    responses = list(reply.responses)
    return responses + ["?"] * (len(reply.messages) - len(responses))


Say = Callable[[str, str], list[dict]]


def play(scenario: Scenario, sender: str, say: Say, tracker: TrackerFile, names: Names) -> ScenarioResult:
    results: list[TurnResult] = []
    notes_seen: Counter = Counter()
    before: str | None = None
    shown: list[tuple[dict, ...]] = []     # the messages of each turn's reply
    for turn in scenario.turns:
        message = turn.say
        if turn.press is not None:
            under = shown[turn.from_turn - 1] if turn.from_turn else (shown[-1] if shown else ())
            message = press(under, turn.press)
            if message is None:
                reply = Reply((), (), before)
                result = TurnResult(turn, reply, severe=[f"no button '{turn.press}' to press"])
                results.append(result)
                shown.append(())
                continue
        since = last_time(tracker.events(sender))
        messages = tuple(say(sender, message))
        responses, procedure = replies_since(tracker.events(sender), since)
        reply = Reply(messages, responses, procedure)
        results.append(check_turn(turn, reply, before, names, notes_seen))
        before = procedure
        shown.append(messages)
    return ScenarioResult(scenario, results)


def press(messages: Iterable[dict], fragment: str) -> str | None:
    """The payload of the first button whose title contains the fragment (folded)."""
    wanted = fold(fragment)
    for message in messages:
        for button in message.get("buttons", []):
            if wanted in fold(button.get("title", "")):
                return button["payload"]
    return None


@dataclass(frozen=True)
class Shares:
    total: int
    full: float
    partly: float
    failed: float


def shares(results: list[ScenarioResult]) -> Shares:
    counts = Counter(r.outcome for r in results)
    total = len(results) or 1
    return Shares(len(results), counts["full"] / total, counts["partly"] / total, counts["failed"] / total)


def report(results: list[ScenarioResult], show_held_out: bool = False) -> str:
    """The shares per part and per group, and what went wrong in the tuned part."""
    lines = []
    for label, part in (("tuned", [r for r in results if not r.scenario.held_out]),
                        ("held out", [r for r in results if r.scenario.held_out])):
        s = shares(part)
        lines.append(f"{label:9} {s.total:4} scenarios: fully right {s.full:.1%}, partly {s.partly:.1%}, "
                     f"failed {s.failed:.1%}")
    groups = sorted({r.scenario.group for r in results})
    for group in groups:
        s = shares([r for r in results if r.scenario.group == group])
        lines.append(f"  {group:14} {s.total:3}: full {s.full:.0%} partly {s.partly:.0%} failed {s.failed:.0%}")
    for result in results:
        if result.outcome == "full" or (result.scenario.held_out and not show_held_out):
            continue
        lines.append(f"[{result.outcome}] {result.scenario.id}")
        for n, turn in enumerate(result.turns, 1):
            for problem in turn.severe + turn.problems:
                lines.append(f"    turn {n} ({turn.turn.say or turn.turn.press!r}): {problem}")
    return "\n".join(lines)
