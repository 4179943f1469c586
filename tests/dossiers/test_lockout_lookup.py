"""Lock-out after repeated failed checks, and the secure look-up built on it (SQLite and PostgreSQL)."""
import datetime as dt

import pytest
from sqlalchemy import select

from appdb.engine import make_engine
from dossiers import DossierUnavailable, InvalidDossierCode
from dossiers.lockout import Lockout, dossier_subject, sender_subject
from dossiers.lookup import DossierLookup, Found, Locked, NotFound
from appdb.tables import CheckFailureRow, LockoutRow
from tests.dossiers.conftest import PHONE, SETTINGS, make_update

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone.utc)
CODE = "000.00.53.H26-260301-0012"
MINUTE = dt.timedelta(minutes=1)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def lookup(store, db) -> DossierLookup:
    store.upsert([make_update(CODE)])
    return DossierLookup(store, Lockout(db, SETTINGS))


def test_five_failures_in_the_window_lock_for_a_while(db):
    lockout, subjects = Lockout(db, SETTINGS), [sender_subject("citizen-1")]
    for minute in range(4):
        assert lockout.record_failure(subjects, NOW + minute * MINUTE) is None
    assert lockout.locked_until(subjects, NOW + 4 * MINUTE) is None
    until = lockout.record_failure(subjects, NOW + 4 * MINUTE)
    assert until == NOW + 19 * MINUTE
    assert lockout.locked_until(subjects, NOW + 10 * MINUTE) == until
    assert lockout.locked_until(subjects + [dossier_subject(CODE)], NOW + 10 * MINUTE) == until
    assert lockout.locked_until(subjects, NOW + 20 * MINUTE) is None           # the lock expires
    assert lockout.record_failure(subjects, NOW + 21 * MINUTE) is None        # and the count starts again


def test_failures_older_than_the_window_do_not_count(db):
    lockout, subjects = Lockout(db, SETTINGS), [sender_subject("citizen-1")]
    for minute in (0, 5, 10, 15):
        lockout.record_failure(subjects, NOW + minute * MINUTE)
    assert lockout.record_failure(subjects, NOW + 16 * MINUTE) is None        # the first one is 16 min old
    assert lockout.record_failure(subjects, NOW + 17 * MINUTE) is not None


def test_the_lock_survives_a_restart_and_holds_across_processes(app_db, tmp_path):
    url = str(app_db.url)
    first = make_engine(url)
    for _ in range(5):
        Lockout(first, SETTINGS).record_failure([sender_subject("citizen-1")], NOW)
    first.dispose()
    other_process = make_engine(url)                                          # a fresh engine on the same file
    assert Lockout(other_process, SETTINGS).locked_until([sender_subject("citizen-1")], NOW + MINUTE)
    other_process.dispose()


def test_subjects_are_stored_only_as_keyed_hashes(db):
    Lockout(db, SETTINGS).record_failure([sender_subject("citizen-1"), dossier_subject(CODE)], NOW)
    with db.connect() as connection:
        stored = " ".join(connection.execute(select(CheckFailureRow.subject)).scalars())
    assert "citizen" not in stored and "H26" not in stored and len(stored.split()) == 3   # and "everyone"


def test_unknown_code_and_wrong_digits_are_the_same_outcome(lookup):
    assert lookup.check("citizen-1", CODE, "0000", NOW) == NotFound()
    assert lookup.check("citizen-1", "000.00.53.H26-260301-0099", "0000", NOW) == NotFound()
    found = lookup.check("citizen-1", CODE.lower(), PHONE[-4:], NOW)
    assert isinstance(found, Found) and found.dossier.code == CODE


def test_a_sender_guessing_across_codes_is_locked_out(lookup):
    outcomes = [lookup.check("prober", f"000.00.53.H26-260301-{n:04d}", "1111", NOW) for n in range(100, 105)]
    assert outcomes[:4] == [NotFound()] * 4 and outcomes[4].locked_until is not None
    assert isinstance(lookup.check("prober", CODE, PHONE[-4:], NOW + MINUTE), Locked)     # even right digits
    assert isinstance(lookup.check("someone-else", CODE, PHONE[-4:], NOW + MINUTE), Found)


def test_rotating_senders_from_one_address_against_many_codes_lock_that_address(lookup):
    """The attack of the security review: a new sender every try, one client address, many codes."""
    outcomes = [lookup.check(f"web-rotating-{n}", f"000.00.53.H26-260301-{n:04d}", "1111", NOW, client="203.0.113.7")
                for n in range(200, 205)]
    assert outcomes[:4] == [NotFound()] * 4 and outcomes[4].locked_until is not None
    assert isinstance(lookup.check("web-rotating-9", CODE, PHONE[-4:], NOW + MINUTE, client="203.0.113.7"), Locked)
    assert isinstance(lookup.check("web-owner", CODE, PHONE[-4:], NOW + MINUTE, client="198.51.100.4"), Found)


def test_a_stranger_guessing_a_code_does_not_lock_its_owner_out(lookup):
    for n in range(5):
        lookup.check("telegram-stranger", CODE, f"{n:04d}", NOW)
    assert isinstance(lookup.check("telegram-stranger", CODE, PHONE[-4:], NOW + MINUTE), Locked)   # right digits
    assert isinstance(lookup.check("telegram-owner", CODE, PHONE[-4:], NOW + MINUTE), Found)


def test_each_new_lock_lasts_twice_as_long(lookup):
    for n in range(5):
        lookup.check("prober", CODE, f"{n:04d}", NOW)
    assert isinstance(lookup.check("prober", CODE, PHONE[-4:], NOW + 16 * MINUTE), Found)          # 15 minutes
    later = NOW + 20 * MINUTE
    for n in range(5):
        lookup.check("prober", CODE, f"{n:04d}", later)
    assert isinstance(lookup.check("prober", CODE, PHONE[-4:], later + 16 * MINUTE), Locked)       # now 30
    assert isinstance(lookup.check("prober", CODE, PHONE[-4:], later + 31 * MINUTE), Found)


def test_many_sources_failing_on_one_code_raise_an_alert_without_locking_it(lookup, caplog):
    with caplog.at_level("WARNING", logger="dossiers.lockout"):
        for n in range(20):
            lookup.check(f"zalo-{n}", CODE, f"{n:04d}", NOW + n * SECOND)
    alerts = [r.getMessage() for r in caplog.records if "SECURITY ALERT" in r.getMessage()]
    assert len(alerts) == 1 and "20 failed checks on dossier" in alerts[0] and "0012" not in alerts[0]
    assert isinstance(lookup.check("zalo-owner", CODE, PHONE[-4:], NOW + MINUTE), Found)


def test_an_unknown_code_locks_the_same_way(lookup):
    unknown = "000.00.53.H26-260301-0777"
    for n in range(5):
        lookup.check("sender-1", unknown, f"{n:04d}", NOW, client="203.0.113.9")
    assert isinstance(lookup.check("sender-2", unknown, "1234", NOW + MINUTE, client="203.0.113.9"), Locked)


def test_malformed_input_is_refused_and_counts_nothing(lookup, db):
    for code, digits in (("'; DROP TABLE dossiers; --", "1234"), ("x" * 10_000, "1234"), (CODE, "12345"),
                         (CODE, "abcd"), (CODE, "١٢٣٤")):
        with pytest.raises((InvalidDossierCode, ValueError)):
            lookup.check("citizen-1", code, digits, NOW)
    with db.connect() as connection:
        assert connection.execute(select(CheckFailureRow)).first() is None
        assert connection.execute(select(LockoutRow)).first() is None
    assert lookup.store.count() == 1


def test_the_sql_look_up_refuses_to_start_with_a_short_hash_key(monkeypatch, app_db):
    from dossiers.lookup import _open_lookup

    monkeypatch.setenv("DOSSIER_HASH_KEY", "short")
    with pytest.raises(DossierUnavailable, match="at least 32 bytes"):
        _open_lookup()
    monkeypatch.setenv("DOSSIER_HASH_KEY", "k" * 32)
    assert _open_lookup() is not None
