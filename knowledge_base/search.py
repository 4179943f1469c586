"""Hybrid search: BM25 over folded terms + dense vectors, fused, with a calibrated decision.

The decision tells the bot what to do with the hits: "answer" (one clear record),
"clarify" (offer the top candidates as "did you mean"), or "none" (say honestly that the
knowledge base has nothing; the question is logged for staff).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from knowledge_base.encoders import Encoder
from knowledge_base.index import LoadedIndex
from knowledge_base.lexical import LexicalMatch
from knowledge_base.schema import Record
from knowledge_base.text import has_diacritics

Decision = Literal["answer", "clarify", "none"]


@dataclass(frozen=True)
class Calibration:
    """Fusion weights and decision thresholds, tuned on the golden set's dev split (`eval`)."""

    dense_floor: float = 0.82        # e5 cosine at which dense evidence starts to count
    dense_span: float = 0.10         # cosine above the floor that counts as full evidence
    dense_weight: float = 0.4
    bm25_weight: float = 0.1         # the rest of 1 goes to query coverage
    name_weight: float = 0.15        # bonus for matching one of the record's names closely
    answer_at: float = 0.55          # fused score for a direct answer…
    answer_margin: float = 0.02      # …when it leads the runner-up by this much
    clarify_at: float = 0.50         # below this: nothing found
    off_topic_margin: float = -0.02  # nothing found when an everyday topic is this close or closer
    dense_candidates: int = 256
    rerank: int = 40                 # leading records that get the name bonus


@dataclass(frozen=True)
class Hit:
    record: Record
    score: float
    dense: float
    lexical: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    decision: Decision
    hits: tuple[Hit, ...]

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


@dataclass(frozen=True)
class Query:
    """A question made ready for both searches: the text matched lexically and the text embedded."""

    text: str
    embed_text: str           # with accents put back when typed without any


@dataclass(frozen=True)
class DenseScores:
    best: np.ndarray          # each record's best passage cosine (0 where none is near)
    off_topic: float          # cosine of the closest everyday off-topic subject


def search(index: LoadedIndex, encoder: Encoder, query: str, top_k: int = 5,
           calibration: Calibration = Calibration()) -> SearchResult:
    """Rank the index's records for a question and decide how sure the answer is.

    The steps, each a function of its own: prepare → lexical → dense → fuse → rank → decide.
    """
    if not query.strip() or not index.records:
        return SearchResult(query, "none", ())
    prepared = prepare_query(index, query)
    lexical = index.lexical.match(prepared.text)
    dense = dense_scores(index, encoder, prepared, calibration)
    fused = fuse(index, lexical, dense, calibration)
    hits = rank(index, fused, dense, lexical, max(top_k, 2))
    return SearchResult(query, decide(hits, dense.off_topic, calibration), hits[:top_k])


def prepare_query(index: LoadedIndex, query: str) -> Query:
    text = " ".join(query.split())
    return Query(text, text if has_diacritics(text) else index.accents.restore(text))


def dense_scores(index: LoadedIndex, encoder: Encoder, query: Query, calibration: Calibration) -> DenseScores:
    """Each record's closest passage to the question, from the vector index."""
    best = np.zeros(len(index.records), dtype=np.float32)
    vector = encoder.encode_queries([query.embed_text])
    off_topic = float((index.off_topic @ vector[0]).max()) if len(index.off_topic) else -1.0
    k = min(calibration.dense_candidates, index.vectors.ntotal)
    if k:
        sims, ids = index.vectors.search(vector, k)
        found = ids[0] >= 0
        owners = index.passage_owner[ids[0][found]]
        np.maximum.at(best, owners, sims[0][found])
    return DenseScores(best, off_topic)


def fuse(index: LoadedIndex, lexical: LexicalMatch, dense: DenseScores, calibration: Calibration) -> np.ndarray:
    """One score per record: dense evidence, query coverage and BM25, plus a bonus for the
    leading records whose name the question matches closely."""
    dense_evidence = np.clip((dense.best - calibration.dense_floor) / calibration.dense_span, 0.0, 1.0)
    bm25 = lexical.scores / (lexical.scores.max() or 1.0)
    coverage_weight = 1.0 - calibration.dense_weight - calibration.bm25_weight
    fused = (calibration.dense_weight * dense_evidence + coverage_weight * lexical.coverage
             + calibration.bm25_weight * bm25)
    leading = _top(fused, calibration.rerank)
    fused[leading] += calibration.name_weight * index.lexical.name_precision(lexical, leading)
    return fused


def rank(index: LoadedIndex, fused: np.ndarray, dense: DenseScores, lexical: LexicalMatch,
         count: int) -> tuple[Hit, ...]:
    return tuple(Hit(index.records[i], float(fused[i]), float(dense.best[i]), float(lexical.coverage[i]))
                 for i in _top(fused, count))


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` highest scores, best first."""
    if count >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, count - 1)[:count]
    return part[np.argsort(-scores[part], kind="stable")]


def decide(hits: tuple[Hit, ...], off_topic: float, calibration: Calibration) -> Decision:
    top = hits[0].score
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if off_topic - hits[0].dense > calibration.off_topic_margin:
        return "none"
    if top >= calibration.answer_at and top - runner_up >= calibration.answer_margin:
        return "answer"
    if top >= calibration.clarify_at:
        return "clarify"
    return "none"
