"""When a notification may go: quiet hours, the per-conversation daily cap, the back-off.
Pure functions of an injected `now` (tests pass any clock)."""
from __future__ import annotations

import datetime as dt

from dossiers.model import VIETNAM


def quiet_until(now: dt.datetime, quiet: tuple[dt.time, dt.time] | None) -> dt.datetime | None:
    """The end of the quiet hours `now` falls in (Vietnam time), or None outside them (or when off)."""
    if quiet is None:
        return None
    start, end = quiet
    local = now.astimezone(VIETNAM)
    clock = local.time()
    inside = start <= clock or clock < end if start > end else start <= clock < end
    if not inside:
        return None
    day = local.date() + dt.timedelta(days=1) if start > end and clock >= start else local.date()
    return dt.datetime.combine(day, end, VIETNAM)


def day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The Vietnam calendar day of `now`, as [start, end) instants."""
    start = dt.datetime.combine(now.astimezone(VIETNAM).date(), dt.time(0), VIETNAM)
    return start, start + dt.timedelta(days=1)


def after_cap(now: dt.datetime, quiet: tuple[dt.time, dt.time] | None) -> dt.datetime:
    """When a conversation that reached its daily cap may be told again: the next Vietnam day, once
    its quiet hours are over."""
    tomorrow = day_bounds(now)[1]
    return quiet_until(tomorrow, quiet) or tomorrow


def backoff(attempts: int, base: float, maximum: float, retry_after: float | None = None) -> float:
    """Seconds before attempt `attempts + 1`: doubling from `base`, at most `maximum`, never sooner than
    the channel's Retry-After."""
    delay = min(maximum, base * 2 ** max(0, attempts - 1))
    return max(delay, min(retry_after or 0.0, maximum))
