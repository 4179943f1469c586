"""The dashboard's numbers: from the conversation store (messages per day and channel, how
questions were answered, the procedures asked about) and the application database (ratings,
hand-offs). Conversations are read from the tracker file once a minute at most (cached)."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from appdb.engine import engine
from appdb.tables import Feedback, HandoffRequest, utc, utcnow

OUTCOMES = {"utter_procedure_summary": "trả lời", "utter_faq_answer": "trả lời",
            "utter_did_you_mean": "gợi ý “có phải”", "utter_procedure_not_found": "không tìm thấy"}
DAYS = 30
CACHE_SECONDS = 60


@dataclass
class Conversations:
    days: list[str] = field(default_factory=list)
    messages: dict[str, list[int]] = field(default_factory=dict)      # channel -> per day
    outcomes: dict[str, list[int]] = field(default_factory=dict)      # outcome -> per day
    procedures: Counter = field(default_factory=Counter)              # record id -> conversations asking


_cache: dict[Path, tuple[float, Conversations]] = {}
_lock = threading.Lock()


def conversations(tracker_db: Path, today: dt.date | None = None) -> Conversations:
    with _lock:
        hit = _cache.get(tracker_db)
        if hit and hit[0] > time.monotonic() - CACHE_SECONDS and today is None:
            return hit[1]
        result = _read(tracker_db, today or dt.datetime.now(dt.timezone.utc).date())
        _cache[tracker_db] = (time.monotonic(), result)
        return result


def _read(tracker_db: Path, today: dt.date) -> Conversations:
    days = [today - dt.timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    index = {day: i for i, day in enumerate(days)}
    messages: dict[str, list[int]] = defaultdict(lambda: [0] * DAYS)
    outcomes: dict[str, list[int]] = {name: [0] * DAYS for name in dict.fromkeys(OUTCOMES.values())}
    procedures: Counter = Counter()
    if tracker_db.exists():
        with sqlite3.connect(f"file:{tracker_db}?mode=ro", uri=True) as db:
            since = time.time() - DAYS * 86400
            for (serialised,) in db.execute("SELECT tracker FROM conversations WHERE updated_at >= ?", (since,)):
                asked = set()
                for event in json.loads(serialised).get("events") or []:
                    day = index.get(dt.datetime.fromtimestamp(event.get("timestamp") or 0, dt.timezone.utc).date())
                    kind = event.get("event")
                    if day is None:
                        continue
                    if kind == "user":
                        messages[event.get("input_channel") or "?"][day] += 1
                    elif kind == "bot":
                        outcome = OUTCOMES.get((event.get("metadata") or {}).get("utter_action"))
                        if outcome:
                            outcomes[outcome][day] += 1
                    elif kind == "slot" and event.get("name") == "procedure_id" and event.get("value"):
                        asked.add(event["value"])
                procedures.update(asked)
    return Conversations([d.strftime("%d/%m") for d in days], dict(messages), outcomes, procedures)


def ratings(limit: int = 15) -> list[tuple[str, int, int]]:
    """(record id, 👍, 👎), the most rated first."""
    with Session(engine()) as session:
        rows = session.execute(select(Feedback.record_id, Feedback.rating, func.count())
                               .where(Feedback.record_id.is_not(None)).group_by(Feedback.record_id, Feedback.rating))
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for record_id, rating, n in rows:
            counts[record_id][0 if rating == "up" else 1] += n
    ranked = sorted(counts.items(), key=lambda item: (-sum(item[1]), item[0]))[:limit]
    return [(record_id, up, down) for record_id, (up, down) in ranked]


def handoffs_waiting() -> list[tuple[str, int]]:
    """(channel, minutes waited) of each request nobody has claimed, the longest first."""
    now = utcnow()
    with Session(engine()) as session:
        rows = session.execute(select(HandoffRequest.channel, HandoffRequest.created_at)
                               .where(HandoffRequest.status == "open").order_by(HandoffRequest.created_at))
        return [(channel, int((now - utc(at)).total_seconds() // 60)) for channel, at in rows]
