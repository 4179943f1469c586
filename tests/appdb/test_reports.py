import json

from appdb.journal import record_feedback, record_handoff, record_unanswered
from appdb.reports import main


def test_unanswered_report_lists_the_most_asked_first(capsys):
    for question in ["cấp phép bay flycam", "cấp phép bay flycam", "giá vàng"]:
        record_unanswered(question)
    assert main(["unanswered", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["question"], r["count"]) for r in rows] == [("cấp phép bay flycam", 2), ("giá vàng", 1)]


def test_summary_counts_ratings_and_handoffs(capsys):
    record_feedback("ht-khai-sinh", "khai sinh", "up")
    record_feedback("ht-khai-sinh", "khai sinh", "down", "thiếu mẫu")
    record_handoff("telegram", "12345", None)
    assert main(["summary", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "unanswered_questions": 0, "ratings_up": 1, "ratings_down": 1, "handoffs": 1}
