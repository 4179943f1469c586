"""Each step of the search pipeline alone: prepare, dense, fuse, decide."""
import numpy as np
import pytest

from knowledge_base.catalog import load_catalog, write_record
from knowledge_base.index import build_index, load_index
from knowledge_base.lexical import LexicalMatch
from knowledge_base.search import Calibration, DenseScores, Hit, decide, dense_scores, fuse, prepare_query
from tests.factories import SMALL_CATALOG


@pytest.fixture(scope="module")
def index(tmp_path_factory, encoder):
    root = tmp_path_factory.mktemp("catalog")
    for record in SMALL_CATALOG:
        write_record(root, record)
    return load_index(build_index(load_catalog(root), encoder, tmp_path_factory.mktemp("index")), encoder.name)


def test_prepare_puts_accents_back_only_on_a_question_typed_without_any(index):
    assert prepare_query(index, "  dang ky  khai sinh ").embed_text == "đăng ký khai sinh"
    assert prepare_query(index, "đăng ký khai sinh").embed_text == "đăng ký khai sinh"


def test_dense_gives_each_record_its_closest_passage(index):
    class Echo:   # encodes any question as the vector of passage 0
        def encode_queries(self, texts):
            return index.vectors.reconstruct_n(0, 1)

    scores = dense_scores(index, Echo(), prepare_query(index, "x"), Calibration())
    owner = index.passage_owner[0]
    assert scores.best[owner] == pytest.approx(1.0, abs=1e-3)
    assert scores.best.argmax() == owner and -1.0 <= scores.off_topic <= 1.0


def test_fuse_weighs_dense_evidence_coverage_and_bm25():
    calibration = Calibration(name_weight=0.0)
    size = len(SMALL_CATALOG)

    class NoNames:
        class lexical:
            @staticmethod
            def name_precision(match, documents):
                return np.zeros(len(documents), dtype=np.float32)

    lexical = LexicalMatch(np.array([2.0] + [0.0] * (size - 1), dtype=np.float32),
                           np.array([0.5] + [0.0] * (size - 1), dtype=np.float32), frozenset())
    dense = DenseScores(np.array([0.0, calibration.dense_floor + calibration.dense_span] + [0.0] * (size - 2),
                                 dtype=np.float32), -1.0)
    fused = fuse(NoNames(), lexical, dense, calibration)
    coverage_weight = 1 - calibration.dense_weight - calibration.bm25_weight
    assert fused[0] == pytest.approx(coverage_weight * 0.5 + calibration.bm25_weight)
    assert fused[1] == pytest.approx(calibration.dense_weight)
    assert fused[2:].tolist() == [0.0] * (size - 2)


@pytest.mark.parametrize("top, runner_up, off_topic, expected", [
    (0.9, 0.5, -1.0, "answer"),
    (0.9, 0.89, -1.0, "clarify"),      # two records too close to tell apart
    (0.52, 0.1, -1.0, "clarify"),      # above clarify_at, below answer_at
    (0.3, 0.1, -1.0, "none"),
    (0.9, 0.5, 0.95, "none"),          # an everyday subject is closer than any record
])
def test_decide(top, runner_up, off_topic, expected):
    record = SMALL_CATALOG[0]
    hits = (Hit(record, top, 0.9, 1.0), Hit(record, runner_up, 0.8, 0.5))
    assert decide(hits, off_topic, Calibration()) == expected
