"""Staff reports on what citizens asked, and the schema: python -m appdb <command> (see --help).

  migrate      bring the application database to the current schema (make run does it)
  purge        delete what is past its retention period (make run does it daily; README "Personal data")
  retention    what each purge deleted, newest first (counts)
  unanswered   questions the knowledge base found nothing for, most asked first
  feedback     ratings and comments on answers, newest first
  handoffs     conversations handed to a human, newest first
  summary      counts of the above
"""
from __future__ import annotations

import argparse
import json
import sys

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from appdb.engine import engine
from appdb.migrate import MigrationError, head, upgrade
from appdb.retention import purge
from appdb.tables import Feedback, HandoffRequest, RetentionRun, UnansweredQuestion
from envconfig import SettingsError


def _rows(report: str, limit: int) -> list[dict]:
    with Session(engine()) as session:
        if report == "unanswered":
            query = select(UnansweredQuestion).order_by(UnansweredQuestion.count.desc(),
                                                        UnansweredQuestion.last_seen.desc())
            return [{"count": r.count, "question": r.text, "last_seen": r.last_seen.isoformat(timespec="minutes")}
                    for r in session.scalars(query.limit(limit))]
        if report == "feedback":
            query = select(Feedback).order_by(Feedback.created_at.desc())
            return [{"at": r.created_at.isoformat(timespec="minutes"), "rating": r.rating, "record": r.record_id,
                     "question": r.question, "comment": r.comment} for r in session.scalars(query.limit(limit))]
        if report == "retention":
            query = select(RetentionRun).order_by(RetentionRun.at.desc())
            return [{"at": r.at.isoformat(timespec="minutes"), "conversations": r.conversations,
                     "unanswered_questions": r.unanswered_questions, "handoff_requests": r.handoff_requests,
                     "feedback_texts": r.feedback_texts, "notifications": r.notifications}
                    for r in session.scalars(query.limit(limit))]
        query = select(HandoffRequest).order_by(HandoffRequest.created_at.desc())
        return [{"at": r.created_at.isoformat(timespec="minutes"), "channel": r.channel, "record": r.record_id,
                 "status": r.status} for r in session.scalars(query.limit(limit))]


def summary() -> dict[str, int]:
    with Session(engine()) as session:
        return {
            "unanswered_questions": session.scalar(select(func.count()).select_from(UnansweredQuestion)) or 0,
            "ratings_up": session.scalar(select(func.count()).where(Feedback.rating == "up")) or 0,
            "ratings_down": session.scalar(select(func.count()).where(Feedback.rating == "down")) or 0,
            "handoffs": session.scalar(select(func.count()).select_from(HandoffRequest)) or 0,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appdb", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", choices=("migrate", "purge", "unanswered", "feedback", "handoffs", "retention",
                                           "summary"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        upgrade(engine())       # an empty or older database gets the current schema first
        if args.report == "migrate":
            print(f"application database at revision {head()}")
            return 0
        if args.report == "purge":
            rows = [purge(engine()).__dict__]
        else:
            rows = [summary()] if args.report == "summary" else _rows(args.report, args.top)
    except (MigrationError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(f"error: cannot read the application database: {error.__class__.__name__}", file=sys.stderr)
        return 1
    for row in rows:
        print(json.dumps(row, ensure_ascii=False) if args.json else "  ".join(f"{k}={v}" for k, v in row.items()))
    return 0
