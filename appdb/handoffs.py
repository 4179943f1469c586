"""The hand-off queue: conversations handed to a human, waiting, claimed by a staff member, closed.

A request keeps the conversation's id while it is open or claimed (the staff workspace needs it to
read the transcript and answer); closing it empties that id, leaving the hashed sender only.
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from appdb.engine import engine
from appdb.tables import HandoffRequest, utcnow

OPEN = ("open", "claimed")


def waiting() -> int:
    """Requests nobody has claimed yet."""
    with Session(engine()) as session:
        return session.scalar(select(func.count()).where(HandoffRequest.status == "open")) or 0


def queue(limit: int = 200) -> list[HandoffRequest]:
    """Open and claimed requests, newest first."""
    with Session(engine()) as session:
        return list(session.scalars(select(HandoffRequest).where(HandoffRequest.status.in_(OPEN))
                                    .order_by(HandoffRequest.created_at.desc(), HandoffRequest.id.desc())
                                    .limit(limit)))


def get(request_id: int) -> HandoffRequest | None:
    with Session(engine()) as session:
        return session.get(HandoffRequest, request_id)


def claim(request_id: int, username: str) -> bool:
    """Claim an open request; False if someone else has it or it is closed."""
    with Session(engine()) as session, session.begin():
        return session.execute(update(HandoffRequest).where(HandoffRequest.id == request_id,
                                                            HandoffRequest.status == "open")
                               .values(status="claimed", claimed_by=username, claimed_at=utcnow())).rowcount == 1


def close(request_id: int) -> None:
    """Closed: back to the assistant; the conversation id is no longer kept."""
    with Session(engine()) as session, session.begin():
        session.execute(update(HandoffRequest).where(HandoffRequest.id == request_id)
                        .values(status="closed", closed_at=utcnow(), conversation_id=None))
