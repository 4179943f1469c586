"""BM25 over folded Vietnamese terms, with typo-tolerant look-up of unknown syllables."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from knowledge_base.text import STOPWORDS, terms, terms_from, words_of

K1, B = 1.2, 0.75


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


@dataclass(frozen=True)
class LexicalMatch:
    scores: np.ndarray          # BM25 score of every document
    coverage: np.ndarray        # share of the query's IDF mass each document contains, 0..1
    known_share: float          # share of the query's terms found anywhere in the index


class LexicalIndex:
    """An inverted index: term -> (document numbers, BM25 weights)."""

    def __init__(self, documents: Sequence[str]):
        self.size = len(documents)
        counts = [Counter(terms(doc)) for doc in documents]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        average = float(lengths.mean()) if self.size else 1.0
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, counter in enumerate(counts):
            norm = K1 * (1 - B + B * lengths[number] / average)
            for term, tf in counter.items():
                postings[term].append((number, tf * (K1 + 1) / (tf + norm)))
        self._idf: dict[str, float] = {}
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, entries in postings.items():
            df = len(entries)
            self._idf[term] = math.log(1 + (self.size - df + 0.5) / (df + 0.5))
            docs = np.fromiter((d for d, _ in entries), dtype=np.int32, count=df)
            weights = np.fromiter((w for _, w in entries), dtype=np.float32, count=df)
            self._postings[term] = (docs, weights)
        # Deletion neighbourhood of every single syllable: finds "sihn" -> "sinh", "khia" -> "khai".
        self._by_deletion: dict[str, list[str]] = defaultdict(list)
        for term in self._postings:
            if "_" not in term and len(term) >= 3:
                for variant in _deletions(term) | {term}:
                    self._by_deletion[variant].append(term)

    def correct(self, word: str) -> str:
        """An unknown syllable replaced by the indexed one an edit away (most documents wins)."""
        if word in self._postings or word in STOPWORDS or len(word) < 4:
            return word
        candidates = set(self._by_deletion.get(word, ()))
        for variant in _deletions(word):
            candidates.update(self._by_deletion.get(variant, ()))
        if not candidates:
            return word
        return max(sorted(candidates), key=lambda t: len(self._postings[t][0]))

    def query_terms(self, text: str) -> tuple[list[str], float]:
        """The query's terms after typo correction, and the share of its syllables already known."""
        words = words_of(text)
        content = [w for w in words if w not in STOPWORDS]
        known = sum(w in self._postings for w in content) / len(content) if content else 0.0
        return terms_from([self.correct(w) for w in words]), known

    def match(self, text: str) -> LexicalMatch:
        query, known = self.query_terms(text)
        scores = np.zeros(self.size, dtype=np.float32)
        matched = np.zeros(self.size, dtype=np.float32)
        total = 0.0
        for term, repeat in Counter(query).items():
            idf = self._idf.get(term, math.log(1 + self.size + 0.5))  # unseen: as rare as can be
            total += idf
            if term in self._postings:
                docs, weights = self._postings[term]
                scores[docs] += idf * weights
                matched[docs] += idf
        coverage = matched / total if total else matched
        return LexicalMatch(scores, coverage, known)
