"""Importing real portal records into a catalog: merge, idempotence, updates, conflicts, rollback."""
import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from knowledge_base import catalog as catalog_module
from knowledge_base.catalog import load_catalog, write_record
from knowledge_base.portal_import import import_portal
from tests.factories import make_procedure

FIXTURES = Path(__file__).with_name("fixtures") / "portal"
COLLECTED = dt.date(2026, 7, 17)
RESIDENCE = "1.004222"   # Đăng ký thường trú: several cases of documents


@pytest.fixture
def portal_dir(tmp_path: Path) -> Path:
    target = tmp_path / "portal"
    shutil.copytree(FIXTURES, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    write_record(root, make_procedure("cu-thuong-tru", "Đăng ký thường trú", ("nhập hộ khẩu",),
                                      national_code=RESIDENCE, keywords=("hộ khẩu",)))
    write_record(root, make_procedure("cu-tam-tru", "Đăng ký tạm trú", related=("cu-thuong-tru",)))
    write_record(root, make_procedure("yt-kham-suc-khoe", "Cấp giấy khám sức khỏe", field="Y tế"))
    return root


@pytest.fixture
def merge_file(tmp_path: Path) -> Path:
    path = tmp_path / "merge.yaml"
    path.write_text("cu-thuong-tru: {code: '1.004222', how: code}\nyt-kham-suc-khoe: {code: null, how: none}\n",
                    encoding="utf-8")
    return path


def run(catalog_dir, portal_dir, merge_file, tmp_path):
    return import_portal(catalog_dir, [portal_dir], COLLECTED, merge_file, tmp_path / "no-superseded.yaml")


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def test_official_records_replace_drafted_facts_and_keep_the_citizens_words(catalog_dir, portal_dir, merge_file,
                                                                            tmp_path):
    report = run(catalog_dir, portal_dir, merge_file, tmp_path)
    catalog = load_catalog(catalog_dir)
    fixtures = {p.stem for p in FIXTURES.glob("*.json")}
    assert sorted(report.added) == sorted(fixtures)
    assert report.merged == {"cu-thuong-tru": RESIDENCE}
    residence = catalog.get(RESIDENCE)
    assert residence.provenance == "official" and residence.national_code == RESIDENCE
    assert residence.last_checked == COLLECTED and residence.portal_url.startswith("https://dichvucong.gov.vn/")
    assert "nhập hộ khẩu" in residence.aliases and "hộ khẩu" in residence.keywords
    assert residence.former_ids == ("cu-thuong-tru",)
    assert residence.source_text["methods"].startswith("Hình thức nộp")
    assert len(residence.cases) > 1          # documents per case survive the import
    assert catalog.get("cu-thuong-tru") is None                       # merged away…
    assert catalog.get("cu-tam-tru").related == (RESIDENCE,)          # …and links to it follow
    assert catalog.get("yt-kham-suc-khoe").provenance == "drafted"    # no official counterpart: stays drafted


def test_a_second_run_changes_nothing(catalog_dir, portal_dir, merge_file, tmp_path):
    run(catalog_dir, portal_dir, merge_file, tmp_path)
    before = snapshot(catalog_dir)
    report = run(catalog_dir, portal_dir, merge_file, tmp_path)
    assert (report.added, report.updated, report.merged) == ([], {}, {})
    assert report.unchanged == len(list(FIXTURES.glob("*.json")))
    assert snapshot(catalog_dir) == before


def test_a_newer_snapshot_updates_the_changed_record_and_says_what_changed(catalog_dir, portal_dir, merge_file,
                                                                           tmp_path):
    run(catalog_dir, portal_dir, merge_file, tmp_path)
    path = next(portal_dir.rglob(f"{RESIDENCE}.json"))
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["ten_thu_tuc"] = raw["ten_thu_tuc"] + " (sửa đổi)"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    report = run(catalog_dir, portal_dir, merge_file, tmp_path)
    assert report.updated == {RESIDENCE: ["name", "source_text"]}   # the value and its source text
    residence = load_catalog(catalog_dir).get(RESIDENCE)
    assert residence.name.endswith("(sửa đổi)") and "nhập hộ khẩu" in residence.aliases


def test_a_staff_verified_record_is_never_overwritten_the_change_is_reported(catalog_dir, portal_dir, merge_file,
                                                                             tmp_path):
    run(catalog_dir, portal_dir, merge_file, tmp_path)
    residence = load_catalog(catalog_dir).get(RESIDENCE)
    write_record(catalog_dir, replace(residence, provenance="verified", verified_by="cán bộ A",
                                      name="Đăng ký thường trú (đã đối chiếu)"))
    report = run(catalog_dir, portal_dir, merge_file, tmp_path)
    assert report.conflicts == {RESIDENCE: ["name"]}
    kept = load_catalog(catalog_dir).get(RESIDENCE)
    assert kept.name == "Đăng ký thường trú (đã đối chiếu)" and kept.provenance == "verified"


def test_a_failed_import_puts_every_file_back(catalog_dir, portal_dir, merge_file, tmp_path, monkeypatch):
    before = snapshot(catalog_dir)
    writes = []
    real_write = catalog_module.write_record

    def failing_write(root, record):
        if len(writes) == 3:
            raise OSError("disk full")
        writes.append(record.id)
        return real_write(root, record)

    monkeypatch.setattr("knowledge_base.catalog.write_record", failing_write)
    with pytest.raises(OSError):
        run(catalog_dir, portal_dir, merge_file, tmp_path)
    assert snapshot(catalog_dir) == before


def test_an_empty_folder_is_refused_with_a_clear_message(catalog_dir, merge_file, tmp_path):
    from knowledge_base.portal_import import PortalImportError

    (tmp_path / "empty").mkdir()
    with pytest.raises(PortalImportError, match="no portal records"):
        import_portal(catalog_dir, [tmp_path / "empty"], COLLECTED, merge_file)
