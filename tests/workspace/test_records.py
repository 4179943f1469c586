"""The record pages through the real server: search and filter, a record beside its source text,
an edit refused by the schema, a draft saved and shown in the history as a diff."""
from __future__ import annotations

import re

from appdb.engine import make_engine, use_engine
from workspace import versions

RECORD = "1.001193"          # Thủ tục đăng ký khai sinh (official, flagged bare-number times)


def test_search_and_filters(workspace):
    staff = workspace.client("bien.tap")
    page = staff.get("/records", query="khai sinh", level="commune", provenance="official").text
    assert f'href="/records/{RECORD}"' in page and "cấp xã, phường" in page
    assert "chính thức" in page and "soạn thảo" not in page.split("<table>")[1]
    count = lambda **filters: int(re.search(r"(\d+) hồ sơ", staff.get("/records", **filters).text).group(1))  # noqa: E731
    assert count(provenance="drafted", kind="procedure") == 103
    assert count(flagged="yes", kind="procedure") == 708
    assert count(flagged="yes", kind="procedure") + count(flagged="no", kind="procedure") == 2745
    assert 0 < count(query="khai sinh", field="Hộ tịch") < count(query="khai sinh")


def test_a_record_shows_each_value_beside_its_official_source_text_and_its_flags(workspace):
    page = workspace.client("bien.tap").get(f"/records/{RECORD}").text
    assert "Thủ tục đăng ký khai sinh" in page and "Văn bản nguồn" in page
    assert "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phí" in page      # methods, as the portal had it
    assert "bare_number_time" in page and "Miễn phí" in page


def test_an_edit_the_schema_refuses_is_not_saved_and_says_which_field(workspace):
    staff = workspace.client("bien.tap")
    reply = staff.post(f"/records/{RECORD}/edit", {"name": "  "})
    assert reply.status_code == 400 and "Tên thủ tục" in reply.text
    assert "Chưa có thay đổi nào" in staff.get(f"/records/{RECORD}/history").text


def test_a_saved_draft_waits_for_a_reviewer_and_the_history_shows_the_diff(workspace):
    staff = workspace.client("bien.tap")
    reply = staff.post("/records/1.000656/edit", {"method-0-fee": "Lệ phí thử 1.000 đồng", "note": "thử"})
    assert reply.status_code == 303 and reply.headers["location"].startswith("/records/1.000656?msg=")
    page = staff.get("/records/1.000656").text
    assert "bản nháp chờ công bố" in page and 'action="/records/1.000656/publish"' not in page   # an editor cannot
    history = staff.get("/records/1.000656/history").text
    assert "+  fee: Lệ phí thử 1.000 đồng" in history and "bản gốc" in history and "bien.tap" in history
    assert "chờ công bố" in staff.get("/records", query="1.000656").text
    reviewer = workspace.client("duyet")
    assert 'action="/records/1.000656/publish"' in reviewer.get("/records/1.000656").text


def test_a_document_is_edited_or_removed_and_the_record_still_validates(workspace):
    staff = workspace.client("bien.tap")
    form = staff.get("/records/1.001193/edit").text
    assert 'name="document-0-name"' in form and 'name="document-1-name"' in form
    reply = staff.post("/records/1.001193/edit", {"document-0-quantity": "02 bản chính", "document-1-name": ""})
    assert reply.status_code == 303
    assert "+  quantity: 02 bản chính" in staff.get("/records/1.001193/history").text
    engine = make_engine(workspace.env["DATABASE_URL"])
    use_engine(engine)
    try:
        chain = versions.history("1.001193")
    finally:
        use_engine(None)
        engine.dispose()
    before, after = chain[0].content["documents"], chain[-1].content["documents"]
    assert len(after) == len(before) - 1 and after[1:] == before[2:]
    assert after[0] == {**before[0], "quantity": "02 bản chính"}
