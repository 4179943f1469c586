"""The golden set itself: well-formed, big enough, every expected record exists, splits disjoint."""
from collections import Counter

from knowledge_base.catalog import load_catalog
from knowledge_base.evaluation import load_golden
from knowledge_base.settings import Settings


def test_every_expected_record_exists_and_the_splits_do_not_overlap():
    catalog = load_catalog(Settings.from_env().catalog_dir)
    known = {record.id for record in (*catalog.procedures, *catalog.faqs)}
    questions = load_golden()
    unknown = {q.expect for q in questions if q.expect and q.expect not in known}
    assert not unknown
    texts = Counter(q.text.strip().lower() for q in questions)
    assert [text for text, n in texts.items() if n > 1] == []


def test_each_split_is_big_enough_to_measure_and_has_every_style():
    questions = load_golden()
    for split, at_least in (("dev", 450), ("heldout", 300)):
        in_split = [q for q in questions if q.split == split]
        assert len([q for q in in_split if q.expect]) >= at_least
        assert {q.style for q in in_split} == {"diacritics", "no_diacritics", "abbreviation", "typo",
                                               "colloquial", "out_of_scope"}
        assert len({q.expect for q in in_split if q.expect}) >= 100
