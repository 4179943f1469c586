"""The quality gate: retrieval on the whole shipped catalog must meet the README's goals.

Built once per test session (tests/conftest.py: full_index_dir, shared with the real servers).
A change to the catalog, the analysis files or the search code that lowers held-out retrieval
below the goal fails `make test`.
"""
import pytest

from knowledge_base.evaluation import (
    GOALS, catalog_codes, evaluate, evaluate_portal, hit_codes, load_golden, load_portal_questions,
)
from knowledge_base.service import KnowledgeBase
from knowledge_base.settings import Settings


@pytest.fixture(scope="module")
def kb(full_index_dir):
    return KnowledgeBase(Settings.from_env(index_dir=full_index_dir))


def test_held_out_questions_meet_the_goals(kb):
    report = evaluate([q for q in load_golden() if q.split == "heldout"], kb.search)["heldout"]
    print(report)
    assert report["in_scope"]["hit@1"] >= GOALS["heldout_hit@1"]
    assert report["in_scope"]["hit@3"] >= GOALS["heldout_hit@3"]
    assert report["no_diacritics"]["hit@1"] >= GOALS["heldout_no_diacritics_hit@1"]
    assert report["out_of_scope"]["declined"] >= GOALS["heldout_declined"]


def test_real_citizen_questions_stay_above_their_floor(kb):
    report = evaluate_portal(load_portal_questions(), lambda q: hit_codes(kb.search(q)),
                             catalog_codes(kb.index().records))
    print(report)
    assert report["n"] >= 100
    assert report["hit@1"] >= GOALS["portal_hit@1"] and report["hit@3"] >= GOALS["portal_hit@3"]
