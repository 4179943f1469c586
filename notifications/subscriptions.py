"""Subscriptions as the chat makes them: the offer after a passed owner check, subscribing,
listing and cancelling. A subscription holds the dossier code and the conversation it was made
from (the Rasa sender id, which the channel delivers to), never a phone or ID number."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from appdb.tables import DeliveryRow, SubscriptionOfferRow, SubscriptionRow, utc, utcnow
from appdb.upsert import upsert


@dataclass(frozen=True)
class Subscription:
    public_id: str
    dossier_code: str
    channel: str


def remember_offer(engine: Engine, conversation_id: str, code: str, minutes: int,
                   now: dt.datetime | None = None) -> None:
    """The dossier this conversation just passed the owner check for (what "báo cho tôi" will follow);
    offers older than `minutes` are deleted meanwhile (a code is not kept past its use)."""
    with engine.begin() as connection:
        at = now or utcnow()
        connection.execute(delete(SubscriptionOfferRow).where(
            SubscriptionOfferRow.offered_at < at - dt.timedelta(minutes=minutes)))
        upsert(connection, SubscriptionOfferRow, {"conversation_id": conversation_id, "dossier_code": code,
                                                  "offered_at": at}, {"dossier_code": code, "offered_at": at})


def offered(engine: Engine, conversation_id: str, minutes: int, now: dt.datetime | None = None) -> str | None:
    """The code offered to this conversation within the last `minutes`, else None."""
    with Session(engine) as session:
        row = session.get(SubscriptionOfferRow, conversation_id)
    if row is None or utc(row.offered_at) < (now or utcnow()) - dt.timedelta(minutes=minutes):
        return None
    return row.dossier_code


def subscribe(engine: Engine, conversation_id: str, channel: str, code: str) -> tuple[Subscription, bool]:
    """Follow `code` from this conversation; (the subscription, whether it is new). Idempotent."""
    with Session(engine) as session, session.begin():
        row = session.scalar(select(SubscriptionRow).where(SubscriptionRow.dossier_code == code,
                                                           SubscriptionRow.conversation_id == conversation_id))
        new = row is None or row.cancelled_at is not None
        if row is None:
            row = SubscriptionRow(public_id=secrets.token_urlsafe(9), dossier_code=code,
                                  conversation_id=conversation_id, channel=channel, created_at=utcnow())
            session.add(row)
        elif row.cancelled_at is not None:      # followed again: only changes from now on
            row.cancelled_at, row.created_at = None, utcnow()
        return Subscription(row.public_id, code, channel), new


def active(engine: Engine, conversation_id: str) -> list[Subscription]:
    with Session(engine) as session:
        rows = session.scalars(select(SubscriptionRow).where(SubscriptionRow.conversation_id == conversation_id,
                                                             SubscriptionRow.cancelled_at.is_(None))
                               .order_by(SubscriptionRow.id))
        return [Subscription(r.public_id, r.dossier_code, r.channel) for r in rows]


def cancel(engine: Engine, conversation_id: str, public_id: str | None = None) -> list[Subscription]:
    """Cancel one subscription of this conversation (by its button id), or all of them; the cancelled ones.
    Another conversation's id cancels nothing."""
    chosen = [s for s in active(engine, conversation_id) if public_id in (None, s.public_id)]
    if chosen:
        with engine.begin() as connection:
            connection.execute(update(SubscriptionRow).where(
                SubscriptionRow.conversation_id == conversation_id,
                SubscriptionRow.public_id.in_([s.public_id for s in chosen])).values(cancelled_at=utcnow()))
    return chosen


def forget(engine: Engine, conversation_id: str) -> int:
    """"xóa dữ liệu của tôi": this conversation's subscriptions, their deliveries and its offer deleted;
    the number of subscriptions that were active."""
    followed = len(active(engine, conversation_id))
    with engine.begin() as connection:
        mine = select(SubscriptionRow.id).where(SubscriptionRow.conversation_id == conversation_id)
        connection.execute(delete(DeliveryRow).where(DeliveryRow.subscription_id.in_(mine)))
        connection.execute(delete(SubscriptionRow).where(SubscriptionRow.conversation_id == conversation_id))
        connection.execute(delete(SubscriptionOfferRow).where(SubscriptionOfferRow.conversation_id == conversation_id))
    return followed
