"""Putting the accents back on a question typed without any, for the embedding model.

The dense model understands "mẹ tôi mất, làm khai tử" far better than "me toi mat, lam
khai tu". Each folded syllable may come from several accented ones; the likeliest sequence
is chosen with syllable-bigram counts from the catalog's own text (Viterbi). Syllables the
catalog never uses stay as typed.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Iterable

from knowledge_base.text import fold, normalize

_SYLLABLE = re.compile(r"\w+")
MAX_CANDIDATES = 6


def _syllables(text: str) -> list[str]:
    return _SYLLABLE.findall(normalize(text))


class AccentRestorer:
    def __init__(self, texts: Iterable[str]):
        self._unigrams: Counter[str] = Counter()
        self._bigrams: Counter[tuple[str, str]] = Counter()
        for text in texts:
            words = _syllables(text)
            self._unigrams.update(words)
            self._bigrams.update(zip(words, words[1:]))
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        for word, count in self._unigrams.items():
            forms[fold(word)][word] += count
        self._forms = {f: [w for w, _ in c.most_common(MAX_CANDIDATES)] for f, c in forms.items()}
        self._total = sum(self._unigrams.values()) or 1

    def _cost(self, previous: str | None, word: str) -> float:
        unigram = (self._unigrams[word] + 0.1) / self._total
        if previous is None:
            return -math.log(unigram)
        seen = self._unigrams[previous] + 1
        return -math.log((self._bigrams[(previous, word)] + 0.4 * unigram * seen) / seen)

    def restore(self, text: str) -> str:
        """The text with the likeliest accents; unknown syllables unchanged."""
        words = _syllables(text)
        if not words:
            return text
        # Viterbi over candidate forms; a syllable without candidates is its own only form.
        paths: dict[str, tuple[float, list[str]]] = {None: (0.0, [])}  # type: ignore[dict-item]
        for word in words:
            candidates = self._forms.get(fold(word), [word])
            step: dict[str, tuple[float, list[str]]] = {}
            for candidate in candidates:
                step[candidate] = min(
                    ((cost + self._cost(prev, candidate), path + [candidate]) for prev, (cost, path) in paths.items()),
                    key=lambda item: item[0],
                )
            paths = step
        return " ".join(min(paths.values(), key=lambda item: item[0])[1])
