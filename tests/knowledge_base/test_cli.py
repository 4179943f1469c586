"""The staff command line, run as staff run it: a subprocess with settings in the environment."""
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def kb_cli(settings, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "KB_CATALOG_DIR": str(settings.catalog_dir), "KB_INDEX_DIR": str(settings.index_dir),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "knowledge_base", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)


def test_validate_reports_file_and_field_and_fails(settings):
    bad = settings.catalog_dir / "procedures" / "ht-khai-sinh.yaml"
    raw = yaml.safe_load(bad.read_text())
    raw["levels"] = ["district"]
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True))
    result = kb_cli(settings, "validate")
    assert result.returncode == 1
    assert "ht-khai-sinh.yaml: levels:" in result.stderr


def test_stats_json(settings):
    result = kb_cli(settings, "stats", "--json")
    assert result.returncode == 0
    stats = json.loads(result.stdout)
    assert (stats["procedures"], stats["faqs"]) == (5, 1)


def test_build_then_search_jsonl(settings):
    assert kb_cli(settings, "build").returncode == 0
    assert "up to date" in kb_cli(settings, "build", "--if-changed").stdout
    result = kb_cli(settings, "search", "--jsonl", "--top", "2", stdin="lam ho chieu\n\nđăng ký tạm trú\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["lam ho chieu", "đăng ký tạm trú"]
    assert lines[0]["hits"][0] == {**lines[0]["hits"][0], "id": "hc-ho-chieu", "kind": "procedure"}
    assert len(lines[1]["hits"]) == 2 and lines[1]["hits"][0]["id"] == "cu-tam-tru"


def test_add_edit_remove_faq(settings):
    added = kb_cli(settings, "add-faq", "faq-nop-phi", "-q", "Nộp phí online thế nào?", "-a", "Qua Cổng DVC.",
                   "--source", "thử nghiệm")
    assert added.returncode == 0, added.stderr
    edited = kb_cli(settings, "edit-faq", "faq-nop-phi", "-a", "Thanh toán trên Cổng Dịch vụ công quốc gia.")
    assert edited.returncode == 0, edited.stderr
    stored = yaml.safe_load((settings.catalog_dir / "faqs" / "faq-nop-phi.yaml").read_text())
    assert stored["answer"] == "Thanh toán trên Cổng Dịch vụ công quốc gia."
    assert stored["questions"] == ["Nộp phí online thế nào?"]
    assert kb_cli(settings, "remove-faq", "faq-nop-phi").returncode == 0
    assert not (settings.catalog_dir / "faqs" / "faq-nop-phi.yaml").exists()


def test_invalid_faq_is_refused_and_nothing_is_written(settings):
    result = kb_cli(settings, "add-faq", "Bad Id!", "-q", "x", "-a", "y", "--source", "s")
    assert result.returncode == 1 and "id" in result.stderr
    assert not list((settings.catalog_dir / "faqs").glob("Bad*"))


def test_faq_related_to_an_unknown_procedure_is_refused(settings):
    result = kb_cli(settings, "add-faq", "faq-x", "-q", "x?", "-a", "y", "--source", "s", "--related", "nope")
    assert result.returncode == 1 and "no procedure with id 'nope'" in result.stderr
    assert not (settings.catalog_dir / "faqs" / "faq-x.yaml").exists()


def test_export_then_import_through_the_command_line(settings, tmp_path):
    exported = tmp_path / "catalog.xlsx"
    assert kb_cli(settings, "export", str(exported)).returncode == 0
    (settings.catalog_dir / "procedures" / "ht-khai-tu.yaml").unlink()
    result = kb_cli(settings, "import", str(exported))
    assert result.returncode == 0, result.stderr
    assert "imported 5 records" in result.stdout
    assert (settings.catalog_dir / "procedures" / "ht-khai-tu.yaml").exists()


def test_import_of_a_broken_file_changes_nothing(settings, tmp_path):
    before = sorted(p.read_bytes() for p in (settings.catalog_dir / "procedures").iterdir())
    broken = tmp_path / "broken.json"
    broken.write_text('[{"Tên thủ tục": "Không có lĩnh vực"}]', encoding="utf-8")
    result = kb_cli(settings, "import", str(broken))
    assert result.returncode == 1 and "nothing imported" in result.stderr and "field: required" in result.stderr
    assert sorted(p.read_bytes() for p in (settings.catalog_dir / "procedures").iterdir()) == before


def test_import_that_breaks_the_catalog_is_rolled_back(settings, tmp_path):
    dangling = tmp_path / "dangling.json"
    dangling.write_text('[{"id": "ht-moi", "Tên thủ tục": "Mới", "Lĩnh vực": "Hộ tịch", "Cấp thực hiện": "Cấp xã",'
                        ' "Thủ tục liên quan": "khong-ton-tai"}]', encoding="utf-8")
    result = kb_cli(settings, "import", str(dangling))
    assert result.returncode == 1 and "no procedure with id 'khong-ton-tai'" in result.stderr
    assert not (settings.catalog_dir / "procedures" / "ht-moi.yaml").exists()


def test_import_portal_then_stats_and_flags_through_the_command_line(settings):
    fixtures = ROOT / "tests" / "knowledge_base" / "fixtures" / "portal"
    result = kb_cli(settings, "import-portal", str(fixtures), "--collected", "2026-07-17")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("added 11, updated 0, unchanged 0")
    again = kb_cli(settings, "import-portal", str(fixtures), "--collected", "2026-07-17")
    assert again.stdout.startswith("added 0, updated 0, unchanged 11")
    stats = json.loads(kb_cli(settings, "stats", "--json").stdout)
    assert (stats["official"], stats["drafted"], stats["verified"]) == (11, 5, 0)
    assert stats["flags_by_reason"]["fee_contradicts_description"] >= 1 and stats["flags"] == sum(
        stats["flags_by_reason"].values())
    flags = json.loads(kb_cli(settings, "flags", "--json", "--reason", "fee_contradicts_description").stdout)
    assert {"id": "1.002010", "field": "methods[online].fee"}.items() <= flags[0].items()
    assert all(f["reason"] == "fee_contradicts_description" for f in flags)


def test_import_portal_refuses_a_bad_date(settings):
    result = kb_cli(settings, "import-portal", "x", "--collected", "17/07/2026")
    assert result.returncode == 2 and "is not a date YYYY-MM-DD" in result.stderr


def test_search_json_hits_carry_the_national_code(settings):
    assert kb_cli(settings, "build").returncode == 0
    hit = json.loads(kb_cli(settings, "search", "lam ho chieu", "--json").stdout)["hits"][0]
    assert (hit["id"], hit["code"], hit["provenance"]) == ("hc-ho-chieu", None, "drafted")
