"""The staff command line: import (CSV, JSON), show, seed-demo — on a real SQLite file."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dossiers.cli import main
from dossiers.lockout import Lockout
from dossiers.lookup import DossierLookup, Found
from dossiers.model import Status, today
from dossiers.settings import DossierSettings
from dossiers.sql_store import SqlDossierStore

ROOT = Path(__file__).resolve().parents[2]
DOCS_EXAMPLE = re.search(r"```csv\n(.*?)```", (ROOT / "docs" / "dossier-import.md").read_text(encoding="utf-8"),
                         re.S).group(1)
CODE = "000.00.53.H26-240115-0012"


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("DOSSIER_HASH_KEY", "cli-key")
    monkeypatch.setenv("DOSSIER_BACKEND", "sql")


@pytest.fixture
def store(app_db):
    return SqlDossierStore(app_db, "cli-key")


def test_the_documented_csv_example_imports_idempotently(tmp_path, store, capsys):
    path = tmp_path / "dossiers.csv"
    path.write_text(DOCS_EXAMPLE, encoding="utf-8")
    assert main(["import", str(path)]) == 0
    assert "1 created, 0 updated" in capsys.readouterr().out
    first = store.lookup(CODE, "5678")
    assert main(["import", str(path)]) == 0
    assert "0 created, 1 updated" in capsys.readouterr().out
    assert store.lookup(CODE, "2345") == first == store.get(CODE)
    assert first.status is Status.SUPPLEMENT_REQUESTED
    assert first.missing_documents == ("Bản sao Giấy chứng nhận kết hôn", "Tờ khai có chữ ký")
    assert [c.status for c in first.history] == [Status.RECEIVED, Status.SUPPLEMENT_REQUESTED]
    assert first.history[0].at.isoformat() == "2024-01-15T01:30:00+00:00"        # 08:30 Vietnam time


def test_json_import_updates_by_code(tmp_path, store, capsys):
    row = {"code": CODE.lower(), "procedure_name": "Đăng ký kết hôn", "applicant_name": "Lê Thị Bình",
           "applicant_phone": "+84 987 654 321", "due_on": "22/01/2024", "status": 4, "handling_unit": "UBND xã A",
           "status_at": "2024-01-16T09:00:00+07:00"}
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"dossiers": [row]}, ensure_ascii=False), encoding="utf-8")
    assert main(["import", str(path)]) == 0
    row.update(status="đã xử lý xong", applicant_phone="", collection_method="Bưu chính",
               collection_place="Bưu điện xã A", status_at="2024-01-20 10:00")
    path.write_text(json.dumps([row], ensure_ascii=False), encoding="utf-8")
    assert main(["import", str(path)]) == 0
    dossier = store.lookup(CODE, "4321")                      # the stored phone check was kept
    assert dossier.status is Status.PROCESSED and dossier.collection_place == "Bưu điện xã A"
    assert [c.status for c in dossier.history] == [Status.PROCESSING, Status.PROCESSED]
    assert dossier.received_on.isoformat() == "2024-01-15"    # from the code


def test_a_file_with_problems_writes_nothing_and_says_where(tmp_path, store, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("code,procedure_name,applicant_name,applicant_phone,due_on,status,handling_unit,colour\n"
                    f"{CODE},Khai sinh,An,0912345678,2024-01-22,dang xu ly,UBND,\n"
                    "000.00.53.H26-240230-0001,Khai sinh,An,12,2024-13-01,flying,UBND,\n", encoding="utf-8")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err and "unknown column(s) colour" in err
    path.write_text("code,procedure_name,applicant_name,applicant_phone,due_on,status,handling_unit\n"
                    f"{CODE},Khai sinh,An,0912345678,2024-01-22,dang xu ly,UBND\n"
                    "000.00.53.H26-240230-0001,Khai sinh,An,12,2024-13-01,flying,UBND\n"
                    f"{CODE},Khai sinh,An,0912345678,2024-01-22,dang xu ly,UBND\n", encoding="utf-8")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    for expected in ("row 2: code:", "row 3: code: appears twice"):
        assert expected in err
    assert "0912345678" not in err and store.count() == 0


def test_show_masks_personal_data(tmp_path, store, capsys):
    path = tmp_path / "dossiers.csv"
    path.write_text(DOCS_EXAMPLE, encoding="utf-8")
    main(["import", str(path)])
    capsys.readouterr()
    assert main(["show", CODE.lower()]) == 0
    out = capsys.readouterr().out
    assert "N*** V*** An" in out and "091*******" in out and "Yêu cầu bổ sung giấy tờ" in out
    assert "5678" not in out and "Nguyễn Văn An" not in out
    assert main(["show", CODE, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applicant"]["name"] == "N*** V*** An"
    assert main(["show", "000.00.53.H26-240115-0099"]) == 1
    assert main(["show", "'; DROP TABLE dossiers; --"]) == 1


def test_seed_demo_covers_every_status_and_prints_working_credentials(store, app_db, capsys):
    assert main(["seed-demo"]) == 0
    out = capsys.readouterr().out
    assert store.count() >= 2000
    shown = re.findall(r"(999\.99\.99\.H26-\d{6}-\d{4})  phone …(\d{4})  ID …(\d{4})  (.+)", out)
    assert {label.replace("  (LATE)", "") for *_, label in shown} == {s.label for s in Status}
    assert any("(LATE)" in label for *_, label in shown)
    lookup = DossierLookup(store, Lockout(app_db, DossierSettings(hash_key="cli-key")))
    for code, phone, id_last4, _ in shown:
        assert isinstance(lookup.check("tester", code, phone), Found)
        assert isinstance(lookup.check("tester", code, id_last4), Found)
    late = [store.get(code) for code, *_, label in shown if "(LATE)" in label]
    assert all(d.is_overdue(today()) for d in late) and any(d.apology_letter and d.new_due_on for d in late)
    assert main(["seed-demo", "--if-empty"]) == 0 and capsys.readouterr().out == ""


def test_the_module_runs_as_a_command(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "dossiers", "seed-demo", "--count", "20"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "20 created" in result.stdout
    result = subprocess.run([sys.executable, "-m", "dossiers", "show", "nonsense"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.startswith("error:")


def test_json_history_and_types_are_checked(tmp_path, store, capsys):
    base = {"code": CODE, "procedure_name": "Khai sinh", "applicant_name": "An", "applicant_id_number": "001099012345",
            "due_on": "2024-01-22", "status": 4, "handling_unit": "UBND"}
    rows = [{**base, "history": ["received"]},
            {**base, "code": "000.00.53.H26-240115-0013", "applicant_id_number": 1099012},
            {**base, "code": "000.00.53.H26-240115-0014", "history": [{"status": 2, "at": "2024-01-15T08:00"}]}]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "row 1: history: each entry is" in err and "row 2: applicant_id_number: an ID number" in err
    assert "row 3: history: its last entry must be the current status" in err and store.count() == 0
