"""The golden set: citizen-style questions with the record that should answer them.

Questions in eval/golden/ are the "dev" split: calibration, fusion weights and catalog
vocabulary may be tuned on them and their misses read. Questions in eval/heldout/ are the
"heldout" split: written by an author who never saw the aliases, keywords, dev questions or
search code, and only ever scored, never read for tuning (`eval --misses` skips them).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from knowledge_base import KnowledgeBaseError
from knowledge_base.search import SearchResult

EVAL_DIR = Path(__file__).with_name("eval")
SPLITS = {"dev": EVAL_DIR / "golden", "heldout": EVAL_DIR / "heldout"}
STYLES = ("diacritics", "no_diacritics", "abbreviation", "typo", "colloquial", "out_of_scope")


@dataclass(frozen=True)
class GoldenQuestion:
    text: str
    expect: str | None       # record id; None for an out-of-scope question
    style: str
    split: str


def load_golden(splits: dict[str, Path] = SPLITS) -> list[GoldenQuestion]:
    questions = []
    for split, folder in splits.items():
        for path in sorted(folder.glob("*.yaml")):
            for n, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
                if not isinstance(item, dict) or not isinstance(item.get("q"), str) or item.get("style") not in STYLES:
                    raise KnowledgeBaseError(f"{path}: item {n}: needs q, expect and a style among {STYLES}")
                questions.append(GoldenQuestion(item["q"], item.get("expect"), item["style"], split))
    return questions


@dataclass
class Tally:
    questions: int = 0
    hit1: int = 0
    hit3: int = 0
    reciprocal: float = 0.0
    answered_right: int = 0      # decision "answer" with the right record first
    declined: int = 0            # out of scope: decision "none"
    out_of_scope: bool = False


    def add(self, question: GoldenQuestion, result: SearchResult) -> None:
        self.questions += 1
        if question.expect is None:
            self.out_of_scope = True
            self.declined += result.decision == "none"
            return
        ids = [hit.record.id for hit in result.hits]
        rank = ids.index(question.expect) + 1 if question.expect in ids else 0
        self.hit1 += rank == 1
        self.hit3 += 0 < rank <= 3
        self.reciprocal += 1 / rank if rank else 0.0
        self.answered_right += rank == 1 and result.decision == "answer"

    def row(self) -> dict[str, float]:
        n = self.questions or 1
        if self.out_of_scope:
            return {"n": self.questions, "declined": round(self.declined / n, 3)}
        return {"n": self.questions, "hit@1": round(self.hit1 / n, 3), "hit@3": round(self.hit3 / n, 3),
                "mrr": round(self.reciprocal / n, 3), "answered": round(self.answered_right / n, 3)}


def evaluate(questions: list[GoldenQuestion], search: Callable[[str], SearchResult],
             on_miss: Callable[[GoldenQuestion, SearchResult], None] | None = None) -> dict[str, dict[str, dict]]:
    """Per split ("dev", "heldout", "all"): a row of metrics overall and per style."""
    tallies: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for question in questions:
        result = search(question.text)
        group = "out_of_scope" if question.expect is None else "in_scope"
        for split in (question.split, "all"):
            for name in {group, question.style}:   # an out-of-scope question is counted once
                tallies[split][name].add(question, result)
        best = result.best
        wrong = (best is None or best.record.id != question.expect) if question.expect else result.decision != "none"
        if wrong and on_miss:
            on_miss(question, result)
    return {split: {name: t.row() for name, t in sorted(rows.items())} for split, rows in tallies.items()}


# Real questions citizens sent to the national portal, with the procedures the portal linked
# to each (eval/portal/dev.jsonl: tuned on, like golden/). A question counts only when one
# of its linked codes is in the catalog; a hit is any linked code.
PORTAL_QUESTIONS = EVAL_DIR / "portal" / "dev.jsonl"


@dataclass(frozen=True)
class PortalQuestion:
    text: str
    linked_codes: frozenset[str]


def load_portal_questions(path: Path = PORTAL_QUESTIONS) -> list[PortalQuestion]:
    import json

    questions = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            questions.append(PortalQuestion(str(item["question"]), frozenset(map(str, item["linked_codes"]))))
        except (ValueError, KeyError, TypeError) as error:
            raise KnowledgeBaseError(f"{path}:{n}: needs question and linked_codes ({error})") from error
    return questions


def hit_codes(result: SearchResult) -> list[str | None]:
    """The national code of each hit, in rank order (None for a record without one)."""
    return [getattr(hit.record, "national_code", None) for hit in result.hits]


def catalog_codes(records) -> set[str]:
    return {code for code in (getattr(r, "national_code", None) for r in records) if code}


def evaluate_portal(questions: list[PortalQuestion], rank_codes: Callable[[str], list[str | None]],
                    known_codes: set[str]) -> dict[str, float]:
    """hit@1, hit@3 and MRR of any linked code, over the questions whose codes the catalog has."""
    counted = [q for q in questions if q.linked_codes & known_codes]
    hit1 = hit3 = 0
    reciprocal = 0.0
    for question in counted:
        codes = rank_codes(question.text)
        rank = next((n for n, code in enumerate(codes, 1) if code in question.linked_codes), 0)
        hit1 += rank == 1
        hit3 += 0 < rank <= 3
        reciprocal += 1 / rank if rank else 0.0
    n = len(counted) or 1
    return {"n": len(counted), "of": len(questions), "hit@1": round(hit1 / n, 3), "hit@3": round(hit3 / n, 3),
            "mrr": round(reciprocal / n, 3)}


# What `make test` holds retrieval to (tests/knowledge_base/test_quality_gate.py); the README
# quotes these. The portal floor is what was measured when it was set, not the goal
# (hit@3 0.85, hit@1 0.65) where that is not met: see the README.
GOALS = {
    "heldout_hit@1": 0.92,
    "heldout_hit@3": 0.98,
    "heldout_no_diacritics_hit@1": 0.90,
    "heldout_declined": 0.90,
    "portal_hit@1": 0.53,   # measured 0.554 (2026-12-03); the goal 0.65 is not met
    "portal_hit@3": 0.75,   # measured 0.769; the goal 0.85 is not met
}
