"""Quiet hours, the daily cap's next day and the back-off, on an injected clock (Vietnam time)."""
import datetime as dt

import pytest

from dossiers.model import VIETNAM
from notifications.policy import after_cap, backoff, day_bounds, quiet_until
from notifications.settings import NotifySettings

QUIET = NotifySettings(quiet_hours="21:00-07:00").quiet


def vn(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=VIETNAM)


@pytest.mark.parametrize("now, until", [
    (vn(4, 20, 59), None),
    (vn(4, 21, 0), vn(5, 7)),
    (vn(4, 23, 30), vn(5, 7)),
    (vn(5, 0, 10), vn(5, 7)),
    (vn(5, 6, 59), vn(5, 7)),
    (vn(5, 7, 0), None),
    (vn(5, 12, 0), None),
])
def test_quiet_hours_span_midnight_in_vietnam_time(now, until):
    assert quiet_until(now, QUIET) == until
    assert quiet_until(now.astimezone(dt.timezone.utc), QUIET) == until      # the clock's zone does not matter


def test_quiet_hours_within_one_day_and_off():
    lunch = NotifySettings(quiet_hours="12:00-13:30").quiet
    assert quiet_until(vn(4, 12, 15), lunch) == vn(4, 13, 30)
    assert quiet_until(vn(4, 13, 30), lunch) is None and quiet_until(vn(4, 11, 59), lunch) is None
    off = NotifySettings(quiet_hours="off").quiet
    assert off is None and quiet_until(vn(4, 23), off) is None


def test_the_daily_cap_waits_for_the_next_vietnam_day_after_its_quiet_hours():
    assert day_bounds(vn(4, 0, 30))[0] == vn(4, 0) and day_bounds(vn(4, 23, 59))[1] == vn(5, 0)
    assert after_cap(vn(4, 15), QUIET) == vn(5, 7)
    assert after_cap(vn(4, 15), None) == vn(5, 0)
    # 23:30 on the 4th in UTC is already the 5th in Vietnam: its next day is the 6th
    assert after_cap(dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.timezone.utc), QUIET) == vn(6, 7)


def test_backoff_doubles_up_to_its_maximum_and_respects_retry_after():
    assert [backoff(n, 5, 60) for n in range(1, 6)] == [5, 10, 20, 40, 60]
    assert backoff(1, 5, 60, retry_after=30) == 30
    assert backoff(1, 5, 60, retry_after=3600) == 60
