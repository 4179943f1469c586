"""The notification worker: `python -m notifications worker` (started by `make run` beside the servers).

Each round: fan new changes out, poll the one-stop-shop adapter when it is the backend, claim
the due deliveries, send them (a few at once), record each outcome. Outside quiet hours only;
a conversation over its daily cap waits for the next day. Every delivery carries its
idempotency key, so resending after a crash (the worker killed between the channel's send and
the recording) is answered "duplicate" by the channel and the citizen is told once.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from sqlalchemy import Engine

from dossiers.model import VIETNAM
from notifications import render
from notifications.outbox import Job, Outbox
from notifications.policy import after_cap, backoff, day_bounds, quiet_until
from notifications.settings import NotifySettings
from notifications.transport import ChannelTransport, Outcome, Result
from privacy import pseudonym

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Worker:
    def __init__(self, engine: Engine, settings: NotifySettings, transport: ChannelTransport,
                 clock: Clock = utc_now, poller: Any = None):
        self.outbox, self.settings, self.transport, self.clock = Outbox(engine), settings, transport, clock
        self.poller = poller
        self.pool = ThreadPoolExecutor(settings.concurrency, thread_name_prefix="notify")

    def round(self) -> int:
        """One round of work; the number of deliveries attempted."""
        now = self.clock()
        if self.poller is not None:
            self.poller.poll(now)
        while self.outbox.fan_out(now):
            pass
        if quiet_until(now, self.settings.quiet) is not None:
            return 0
        jobs = self.outbox.claim(now, self.settings.concurrency * 25, self.settings.lease_seconds)
        if not jobs:
            return 0
        allowed, deferred = self._within_cap(jobs, now)
        outcomes = list(self.pool.map(lambda job: (job, self._send(job, now)), allowed))
        self.outbox.record([*deferred, *[(job.id, self._values(job, outcome, now)) for job, outcome in outcomes]])
        return len(jobs)

    def _within_cap(self, jobs: list[Job], now: dt.datetime) -> tuple[list[Job], list[tuple[int, dict]]]:
        """The jobs the daily cap allows, and the others moved to the next day."""
        counts = Counter(self.outbox.sent_since([j.conversation_id for j in jobs], day_bounds(now)[0]))
        allowed, deferred = [], []
        later = after_cap(now, self.settings.quiet)
        for job in jobs:
            if counts[job.conversation_id] >= self.settings.daily_cap:
                deferred.append((job.id, {"next_attempt_at": later, "last_error": "daily cap reached"}))
            else:
                counts[job.conversation_id] += 1
                allowed.append(job)
        return allowed, deferred

    def _send(self, job: Job, now: dt.datetime) -> Outcome:
        today = now.astimezone(VIETNAM).date()
        try:
            return self.transport.send(job.channel, job.key, job.conversation_id,
                                       render.text(job.dossier_code, job.kind, job.snapshot, today, job.final),
                                       render.buttons(job.public_id, job.final))
        except Exception as error:  # noqa: BLE001 — a bug in one delivery must not stop the others
            log.exception("notification %s could not be prepared", job.key)
            return Outcome(Result.RETRY, f"worker: {type(error).__name__}")

    def _values(self, job: Job, outcome: Outcome, now: dt.datetime) -> dict[str, Any]:
        s = self.settings
        if outcome.result is Result.SENT:
            return {"state": "sent", "sent_at": now, "attempts": job.attempts + 1, "last_error": None}
        if outcome.result is Result.HELD:
            return {"state": "held", "next_attempt_at": now + dt.timedelta(seconds=s.held_recheck_seconds),
                    "last_error": outcome.error}
        attempts = job.attempts + 1
        if outcome.result is Result.RETRY and attempts < s.max_attempts:
            delay = backoff(attempts, s.retry_seconds, s.retry_max_seconds, outcome.retry_after)
            log.info("notification %s to %s: %s, retrying in %.0f s", job.key, pseudonym(job.conversation_id)[:8],
                     outcome.error, delay)
            return {"state": "pending", "attempts": attempts, "last_error": outcome.error,
                    "next_attempt_at": now + dt.timedelta(seconds=delay)}
        log.warning("notification %s is a dead letter: %s", job.key, outcome.error)
        return {"state": "dead", "attempts": attempts, "last_error": (outcome.error or "")[:200]}

    def sleep_seconds(self, now: dt.datetime) -> float:
        """How long to wait before the next round: until quiet hours end, or the poll interval."""
        end = quiet_until(now, self.settings.quiet)
        return min(max(1.0, (end - now).total_seconds()), 300.0) if end else self.settings.poll_seconds

    def run(self, stop: threading.Event) -> None:
        self.outbox.release_leases()
        log.info("notification worker started (quiet hours %s, daily cap %d)", self.settings.quiet_hours,
                 self.settings.daily_cap)
        while not stop.is_set():
            try:
                busy = self.round()
            except Exception:  # noqa: BLE001 — the database may be back in a moment
                log.exception("notification round failed; retrying")
                busy = 0
            if not busy:
                stop.wait(self.sleep_seconds(self.clock()))
        self.pool.shutdown()
        self.transport.close()
