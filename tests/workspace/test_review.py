"""The review queue and the unanswered questions through the real server."""
from __future__ import annotations

import re
from urllib.parse import quote

from appdb.engine import make_engine, use_engine
from appdb.journal import record_unanswered


def count(text: str) -> int:
    return int(re.search(r"(\d+) (?:mục|câu hỏi)", text).group(1))


def test_the_queue_holds_every_flag_and_drafted_record_and_a_decision_says_who(workspace):
    reviewer = workspace.client("duyet")
    total = count(reviewer.get("/review").text)
    assert total == 1735 + 103
    council = reviewer.get("/review", reason="fee_set_by_council").text
    assert count(council) == 210
    first = re.search(r'name="record_id" value="([^"]+)"><input type="hidden" name="field" value="([^"]+)">', council)
    record_id, field = first.groups()
    reply = reviewer.post("/review/resolve", {"record_id": record_id, "field": field, "reason": "fee_set_by_council",
                                              "decision": "Giữ: HĐND thành phố quy định, đã ghi nơi tra cứu"})
    assert reply.status_code == 303
    page = reviewer.get("/review").text
    assert count(page) == total - 1 and "Giữ: HĐND thành phố quy định" in page and "duyet" in page
    editor = workspace.client("bien.tap")
    assert 'action="/review/resolve"' not in editor.get("/review").text       # editors see, reviewers decide


def ask_unanswered(workspace, text: str, times: int) -> None:
    engine = make_engine(workspace.env["DATABASE_URL"])
    use_engine(engine)
    try:
        for _ in range(times):
            record_unanswered(text)
    finally:
        use_engine(None)
        engine.dispose()


def test_unanswered_questions_most_asked_first_masked_and_handled(workspace):
    ask_unanswered(workspace, "xin giấy phép nuôi rồng, gọi 0987 654 321", 3)
    ask_unanswered(workspace, "thủ tục cấp phép bay flycam", 5)
    editor = workspace.client("bien.tap")
    page = editor.get("/questions").text
    assert page.index("flycam") < page.index("nuôi rồng") and "0987" not in page and "***" in page
    key = re.search(r'name="key" value="([^"]*nuoi rong[^"]*)"', page).group(1)
    assert editor.post("/questions/handled", {"key": key}).status_code == 303
    assert "nuôi rồng" not in editor.get("/questions").text
    ask_unanswered(workspace, "xin giấy phép nuôi rồng, gọi 0987 654 321", 1)      # asked again: back
    assert "nuôi rồng" in editor.get("/questions").text


def test_an_unanswered_question_becomes_an_alias_in_two_clicks(workspace):
    ask_unanswered(workspace, "làm giấy chứng sinh cho bé ở đâu", 2)
    editor = workspace.client("bien.tap")
    key = re.search(r'name="key" value="([^"]*chung sinh[^"]*)"', editor.get("/questions").text).group(1)
    reply = editor.post("/questions/alias", {"key": key, "record_id": "1.001193"})
    assert reply.status_code == 303 and "chứng sinh" not in editor.get("/questions").text
    assert "+- làm giấy chứng sinh cho bé ở đâu" in editor.get("/records/1.001193/history").text


def test_an_faq_is_started_from_a_question_and_waits_for_a_reviewer(workspace):
    ask_unanswered(workspace, "bộ phận một cửa có làm thứ bảy không", 4)
    editor = workspace.client("bien.tap")
    key = re.search(r'name="key" value="([^"]*thu bay[^"]*)"', editor.get("/questions").text).group(1)
    form = editor.get(f"/faqs/new?from={quote(key)}").text
    assert "bộ phận một cửa có làm thứ bảy không" in form
    refused = editor.post("/faqs/new", {"id": "faq-thu-bay", "questions": "có làm thứ bảy không", "answer": "",
                                        "source": "UBND"})
    assert refused.status_code == 400 and "Trả lời" in refused.text
    reply = editor.post("/faqs/new", {"id": "faq-thu-bay", "questions": "bộ phận một cửa có làm thứ bảy không",
                                      "answer": "Sáng thứ Bảy một số phường tiếp nhận hồ sơ; xem trang của phường.",
                                      "source": "UBND thành phố Hà Nội", "key": key})
    assert reply.status_code == 303 and reply.headers["location"].startswith("/records/faq-thu-bay")
    assert "thứ bảy" not in editor.get("/questions").text.lower()
    draft = workspace.client("duyet").get("/records/faq-thu-bay").text
    assert "chờ công bố" in draft and 'action="/records/faq-thu-bay/publish"' in draft
