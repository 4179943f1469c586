"""BM25 over folded Vietnamese terms, with typo-tolerant look-up of unknown syllables."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from knowledge_base.text import GENERIC_TERMS, GENERIC_WEIGHT, STOPWORDS, Vocabulary, terms, terms_from, words_of

K1, B = 1.2, 0.75


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


@dataclass(frozen=True)
class LexicalMatch:
    scores: np.ndarray          # BM25 score of every document
    coverage: np.ndarray        # share of the query's IDF mass each document contains, 0..1
    terms: frozenset[str]       # the query's terms after typo correction


class LexicalIndex:
    """An inverted index: term -> (document numbers, BM25 weights)."""

    def __init__(self, documents: Sequence[str], names: Sequence[Sequence[str]] = (),
                 vocabulary: Vocabulary | None = None, known: Mapping[str, Counter] | None = None):
        """`known`: the term counts of texts analysed before with the same vocabulary (the previous
        build's `analysed`), reused: a reload after a staff edit analyses only the changed texts."""
        self.size = len(documents)
        self.vocabulary = vocabulary   # the build's abbreviation table (None: the editable file)
        self.texts = (tuple(documents), tuple(tuple(n) for n in names))   # what it was built from
        known = known or {}
        self.analysed: dict[str, Counter] = {}

        def analyse(text: str) -> Counter:
            if text not in self.analysed:
                self.analysed[text] = known.get(text) or Counter(terms(text, vocabulary))
            return self.analysed[text]

        counts = [analyse(doc) for doc in documents]
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
        # Each document's names as sets of single terms, for name_precision.
        self._names = [[frozenset(t for t in analyse(name) if "_" not in t) for name in doc_names]
                       for doc_names in names]
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

    def query_terms(self, text: str) -> list[str]:
        """The query's terms after typo correction."""
        return terms_from([self.correct(w) for w in words_of(text, self.vocabulary)])

    def match(self, text: str) -> LexicalMatch:
        query = self.query_terms(text)
        total = 0.0
        postings: list[tuple[float, np.ndarray, np.ndarray]] = []
        for term, repeat in Counter(query).items():
            idf = self._idf.get(term, math.log(1 + self.size + 0.5))  # unseen: as rare as can be
            if term in GENERIC_TERMS:
                idf *= GENERIC_WEIGHT
            total += idf
            if term in self._postings:
                postings.append((idf, *self._postings[term]))
        if not postings:
            empty = np.zeros(self.size, dtype=np.float32)
            return LexicalMatch(empty, empty.copy(), frozenset(query))
        # One pass over all the query's postings (np.bincount), not one scatter-add per term.
        docs = np.concatenate([d for _, d, _ in postings])
        scores = np.bincount(docs, np.concatenate([idf * w for idf, _, w in postings]), self.size)
        matched = np.bincount(docs, np.repeat([idf for idf, _, _ in postings], [len(d) for _, d, _ in postings]),
                              self.size)
        return LexicalMatch(scores.astype(np.float32), (matched / total).astype(np.float32), frozenset(query))

    def name_precision(self, match: LexicalMatch, documents: np.ndarray) -> np.ndarray:
        """For each document, the best share of one of its names' IDF mass the query contains.

        Tells "Cấp giấy phép bán lẻ rượu" from "Cấp lại giấy phép bán lẻ rượu" when the
        question does not say "lại".
        """
        out = np.zeros(len(documents), dtype=np.float32)
        for i, doc in enumerate(documents):
            for name in self._names[doc] if doc < len(self._names) else ():
                mass = sum(self._idf.get(t, 0.0) for t in name)
                if mass:
                    out[i] = max(out[i], sum(self._idf.get(t, 0.0) for t in name & match.terms) / mass)
        return out
