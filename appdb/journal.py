"""The journal: what citizens asked and said, written for staff (unanswered questions, feedback, hand-offs)."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from appdb.engine import engine
from appdb.tables import Feedback, HandoffRequest, UnansweredQuestion, utcnow
from appdb.upsert import upsert
from knowledge_base.text import fold
from privacy import mask, pseudonym

MAX_TEXT = 1000


def record_unanswered(question: str) -> None:
    """Count a question the knowledge base could not answer (personal numbers masked)."""
    text = mask(question.strip())[:MAX_TEXT]
    key = " ".join(fold(text).split())[:300]
    if not key:
        return
    now = utcnow()
    with engine().begin() as connection:
        upsert(connection, UnansweredQuestion, {"key": key, "text": text, "count": 1, "first_seen": now,
                                                "last_seen": now},
               {"count": UnansweredQuestion.count + 1, "last_seen": now})



def record_feedback(record_id: str | None, question: str | None, rating: str, comment: str | None = None) -> int:
    with Session(engine()) as session, session.begin():
        row = Feedback(record_id=record_id, question=question and mask(question)[:MAX_TEXT], rating=rating,
                       comment=comment and mask(comment)[:MAX_TEXT])
        session.add(row)
        session.flush()
        return row.id


def add_feedback_comment(feedback_id: int, comment: str) -> None:
    with engine().begin() as connection:
        connection.execute(update(Feedback).where(Feedback.id == feedback_id)
                           .values(comment=mask(comment)[:MAX_TEXT]))


def record_handoff(channel: str, sender_id: str, record_id: str | None) -> None:
    """A hand-off, with the conversation's id for the staff workspace (emptied when it is closed:
    appdb.handoffs.close) and the sender's hash for deletion on request and retention."""
    with Session(engine()) as session, session.begin():
        session.add(HandoffRequest(channel=channel, sender_hash=pseudonym(sender_id), record_id=record_id,
                                   conversation_id=sender_id))
