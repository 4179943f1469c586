"""Vietnamese text normalisation for search: NFC, case, diacritic folding, abbreviations.

Citizens type with or without diacritics, with tone marks on the wrong vowel, with "kí"
for "ký" and with chat abbreviations ("đk", "gplx", "ko"). Everything that is matched
lexically goes through `terms`, so a record and a question meet on the same folded form.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

ABBREVIATIONS_FILE = Path(__file__).with_name("abbreviations.yaml")
_WORD = re.compile(r"[0-9a-z]+")
# "ky", "ly", "my", "sy"…: a lone consonant before a final y is written with i by many.
_CONSONANT_Y = re.compile(r"^([bcdghklmnprstvx]h?)y$")


def normalize(text: str) -> str:
    """NFC, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def fold(text: str) -> str:
    """Remove every diacritic, đ included (Unicode decomposition leaves đ alone)."""
    decomposed = unicodedata.normalize("NFD", normalize(text).replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def syllables(text: str) -> list[str]:
    """Folded syllables with the i/y spelling variant unified."""
    return [folded for folded, _ in tokens(text)]


def tokens(text: str) -> list[tuple[str, str]]:
    """Each syllable folded (as `syllables`) beside its accented, lower-case form."""
    return [(part, written) for written in re.findall(r"\w+", normalize(text)) for part in _folded_parts(written)]


@lru_cache(maxsize=200_000)   # a language has a few thousand syllables: fold each once
def _folded_parts(written: str) -> tuple[str, ...]:
    return tuple(_CONSONANT_Y.sub(r"\1i", part) for part in _WORD.findall(fold(written)))


def has_diacritics(text: str) -> bool:
    return fold(text) != normalize(text)


Key = tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """The editable table: short forms to replace, everyday words to enrich.

    Short forms are matched folded ("dk" = "đk"). Everyday words are matched with their
    accents when the question has accents, since folding makes different words meet
    ("cười" laugh, "cưới" marry, "cuối" end are all "cuoi"); folded only in a question
    typed without any accent.
    """

    abbreviations: dict[Key, Key]
    synonyms_folded: dict[Key, Key]
    synonyms_accented: dict[Key, Key]

    @cached_property   # read at every syllable of every text: computed once
    def longest(self) -> int:
        return max((len(k) for k in (*self.abbreviations, *self.synonyms_folded)), default=0)

    @cached_property
    def first_syllables(self) -> frozenset[str]:
        """Folded or written syllables that begin some entry: any other syllable is kept as is."""
        return frozenset(k[0] for k in (*self.abbreviations, *self.synonyms_folded, *self.synonyms_accented))


def _table(raw: dict, key_of) -> dict[Key, Key]:
    table: dict[Key, Key] = {}
    for short, expansions in (raw or {}).items():
        for expansion in expansions if isinstance(expansions, list) else [expansions]:
            key = key_of(str(short))
            table[key] = table.get(key, ()) + tuple(syllables(str(expansion)))
    return table


@lru_cache(maxsize=4)   # a build's copy never changes (index.py); the editable file is read by builds
def load_vocabulary(path: Path = ABBREVIATIONS_FILE) -> Vocabulary:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    folded = lambda text: tuple(syllables(text))  # noqa: E731
    accented = lambda text: tuple(written for _, written in tokens(text))  # noqa: E731
    return Vocabulary(_table(raw.get("abbreviations"), folded), _table(raw.get("synonyms"), folded),
                      _table(raw.get("synonyms"), accented))


def expand(text: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """The folded syllables of a text, short forms replaced by their expansion and everyday
    words followed by their formal equivalent (longest match first)."""
    vocabulary = load_vocabulary() if vocabulary is None else vocabulary
    pairs = tokens(text)
    folded = [f for f, _ in pairs]
    written = [w for _, w in pairs]
    accents = has_diacritics(text)
    out: list[str] = []
    i = 0
    while i < len(pairs):
        if folded[i] not in vocabulary.first_syllables and written[i] not in vocabulary.first_syllables:
            out.append(folded[i])
            i += 1
            continue
        for size in range(min(vocabulary.longest, len(pairs) - i), 0, -1):
            key = tuple(folded[i:i + size])
            synonym = (vocabulary.synonyms_accented.get(tuple(written[i:i + size])) if accents
                       else vocabulary.synonyms_folded.get(key))
            if key in vocabulary.abbreviations:
                out.extend(vocabulary.abbreviations[key])
            elif synonym:
                out.extend(key + synonym)
            else:
                continue
            i += size
            break
        else:
            out.append(folded[i])
            i += 1
    return out


# Function words of chat questions: they carry no hint of WHICH procedure is meant.
STOPWORDS = frozenset(  # folded, so only words whose every accented reading is a function word
    "a ah anh cac cach cho chua cua da dau duoc em gi giup hay khi khong la lam minh muon nao neu "
    "nhe nhieu nhung o oi phai ra rang roi se tai thi toi va vay voi vi xin".split()
)


# Terms that say what the citizen wants to know (documents, fee, time, place), not WHICH
# procedure: they count for little when matching a question to a record.
GENERIC_TERMS = frozenset(  # question phrases ("bao lâu", "ở đâu"…) never get here: abbreviations.yaml drops them
    "giay_to ho_so thu_tuc le_phi nhieu_tien mat_bao gom_nhung nop phi tien mang gom chuan_bi huong_dan "
    "quy_trinh nhu_the can_mang nop_ho nop_o lam_thu".split()
)
GENERIC_WEIGHT = 0.2


def words_of(text: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """Folded syllables with short forms expanded: the units that terms are made of."""
    return expand(text, vocabulary)


def terms_from(words: list[str]) -> list[str]:
    """Lexical search terms: content syllables plus adjacent-syllable bigrams.

    Bigrams are taken before stop words are dropped, so "đăng ký" stays one phrase while
    "ở đâu" adds nothing.
    """
    bigrams = [f"{a}_{b}" for a, b in zip(words, words[1:]) if not (a in STOPWORDS and b in STOPWORDS)]
    return [w for w in words if w not in STOPWORDS] + bigrams


def terms(text: str, vocabulary: Vocabulary | None = None) -> list[str]:
    return terms_from(words_of(text, vocabulary))
