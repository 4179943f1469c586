"""Unanswered questions for staff: grouped by their folded text and counted (appdb.journal keeps
them masked), most asked first; the ones staff handled are hidden until asked again."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from appdb.engine import engine
from appdb.tables import UnansweredHandled, UnansweredQuestion, utcnow
from appdb.upsert import upsert


def open_questions(limit: int = 100, offset: int = 0) -> tuple[list[UnansweredQuestion], int]:
    condition = or_(UnansweredHandled.key.is_(None), UnansweredQuestion.last_seen > UnansweredHandled.handled_at)
    joined = select(UnansweredQuestion).outerjoin(
        UnansweredHandled, UnansweredHandled.key == UnansweredQuestion.key).where(condition)
    with Session(engine()) as session:
        total = session.scalar(select(func.count()).select_from(joined.subquery())) or 0
        rows = list(session.scalars(joined.order_by(UnansweredQuestion.count.desc(), UnansweredQuestion.last_seen.desc(),
                                                    UnansweredQuestion.key).offset(offset).limit(limit)))
    return rows, total


def get(key: str) -> UnansweredQuestion | None:
    with Session(engine()) as session:
        return session.get(UnansweredQuestion, key)


def mark_handled(key: str, username: str, how: str) -> None:
    now = utcnow()
    with Session(engine()) as session, session.begin():
        upsert(session, UnansweredHandled, {"key": key, "handled_by": username, "handled_at": now, "how": how[:200]},
               {"handled_by": username, "handled_at": now, "how": how[:200]})

