"""The dashboard through the real server: charts from the conversation store and the journal, and
each table exported to CSV and XLSX."""
from __future__ import annotations

import io
import json
import sqlite3
import time

from openpyxl import load_workbook

from appdb.engine import make_engine, use_engine
from appdb.journal import record_feedback
from workspace import stats


def conversation(channel: str, outcome: str, record_id: str | None) -> str:
    now = time.time()
    events = [{"event": "user", "timestamp": now - 60, "input_channel": channel, "text": "lam giay khai sinh"},
              {"event": "bot", "timestamp": now - 59, "metadata": {"utter_action": outcome}, "text": "…"}]
    if record_id:
        events.append({"event": "slot", "timestamp": now - 59, "name": "procedure_id", "value": record_id})
    return json.dumps({"events": events})


def seed(workspace) -> None:
    with sqlite3.connect(workspace.var_dir / "tracker.db") as db:      # the conversation store's format
        db.execute("CREATE TABLE IF NOT EXISTS conversations (sender_id TEXT PRIMARY KEY, tracker TEXT NOT NULL, "
                   "updated_at REAL NOT NULL)")
        rows = [("web-a", conversation("web", "utter_procedure_summary", "1.001193")),
                ("web-b", conversation("web", "utter_did_you_mean", None)),
                ("telegram-1", conversation("telegram", "utter_procedure_summary", "1.001193")),
                ("zalo-1", conversation("zalo", "utter_procedure_not_found", None))]
        db.executemany("INSERT OR REPLACE INTO conversations VALUES (?, ?, ?)", [(s, t, time.time()) for s, t in rows])
    engine = make_engine(workspace.env["DATABASE_URL"])
    use_engine(engine)
    try:
        for rating in ("up", "up", "down"):
            record_feedback("1.001193", "lam giay khai sinh", rating)
    finally:
        use_engine(None)
        engine.dispose()


def test_the_dashboard_draws_charts_and_exports_its_tables(workspace):
    seed(workspace)
    stats._cache.clear()
    staff = workspace.client("bien.tap")
    page = staff.get("/dashboard").text
    assert page.count('<svg class="chart"') == 6 and "<polyline" in page
    assert "web: 2" in page and "telegram: 1" in page and "Thủ tục đăng ký khai sinh" in page
    assert "trả lời: 50%" in page and "không tìm thấy: 25%" in page          # rates, not counts
    csv = staff.get("/dashboard/export/procedures/csv")
    assert csv.headers["content-type"].startswith("text/csv") and csv.content.startswith(b"\xef\xbb\xbf")
    assert "1.001193,Thủ tục đăng ký khai sinh,2" in csv.content.decode("utf-8-sig")
    ratings = load_workbook(io.BytesIO(staff.get("/dashboard/export/ratings/xlsx").content)).active
    assert [c.value for c in ratings[2]] == ["1.001193", "Thủ tục đăng ký khai sinh", 2, 1, 67]
    outcomes = staff.get("/dashboard/export/outcomes/csv").content.decode("utf-8-sig").splitlines()
    assert outcomes[0] == "Ngày,trả lời,gợi ý “có phải”,không tìm thấy,% trả lời" and outcomes[-1].endswith(",2,1,1,50")
    assert staff.get("/dashboard/export/nothing/csv").status_code == 404
