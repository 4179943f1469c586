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


def test_purge_deletes_exactly_what_is_past_its_period_and_reports_it(installed, tmp_path, capsys, monkeypatch):
    import datetime as dt
    import sqlite3

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from appdb.retention import purge
    from appdb.tables import Feedback, HandoffRequest, UnansweredQuestion

    now = dt.datetime(2026, 12, 4, tzinfo=dt.timezone.utc)
    day = dt.timedelta(days=1)
    tracker = tmp_path / "tracker.db"
    with sqlite3.connect(tracker) as connection:
        connection.execute("CREATE TABLE conversations (sender_id TEXT PRIMARY KEY, tracker TEXT, updated_at REAL)")
        connection.executemany("INSERT INTO conversations VALUES (?, '{}', ?)", [
            ("old", (now - 91 * day).timestamp()), ("edge", (now - 89 * day).timestamp()),
            ("new", now.timestamp())])
    with Session(installed) as session, session.begin():
        session.add_all([
            UnansweredQuestion(key="cu", text="cũ", last_seen=now - 181 * day, first_seen=now - 200 * day),
            UnansweredQuestion(key="moi", text="mới", last_seen=now - 179 * day, first_seen=now - 200 * day),
            HandoffRequest(channel="web", sender_hash="x", created_at=now - 181 * day),
            HandoffRequest(channel="web", sender_hash="y", created_at=now - 1 * day),
            Feedback(record_id="1.001193", rating="down", question="q", comment="c", created_at=now - 181 * day),
            Feedback(record_id="1.001193", rating="up", question="q2", created_at=now - 1 * day),
        ])
    purged = purge(installed, tracker, now)
    assert purged.__dict__ == {"conversations": 1, "unanswered_questions": 1, "handoff_requests": 1,
                               "feedback_texts": 1, "notifications": 0}
    with sqlite3.connect(tracker) as connection:
        assert sorted(r[0] for r in connection.execute("SELECT sender_id FROM conversations")) == ["edge", "new"]
    with Session(installed) as session:
        assert session.scalars(select(UnansweredQuestion.key)).all() == ["moi"]
        assert session.scalars(select(HandoffRequest.sender_hash)).all() == ["y"]
        assert sorted(session.execute(select(Feedback.rating, Feedback.comment, Feedback.question)).all()) == [
            ("down", None, None), ("up", None, "q2")]
    assert main(["retention", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["conversations"] == 1
