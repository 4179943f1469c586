"""The SQL store on a real SQLite file and a real PostgreSQL server."""
import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select, text

from dossiers import DossierError
from dossiers.model import Status
from dossiers.sql_store import SqlDossierStore
from appdb.tables import DossierRow
from tests.dossiers.conftest import ID_NUMBER, PHONE, TODAY, make_update, with_status

CODE = "000.00.53.H26-260301-0012"


def test_lookup_needs_the_last_digits_of_the_phone_or_the_id_number(store):
    store.upsert([make_update(CODE, history=True)])
    found = store.lookup(CODE, PHONE[-4:])
    assert found is not None and found.code == CODE and found.status is Status.PROCESSING
    assert [c.status for c in found.history] == [Status.RECEIVED, Status.PROCESSING]
    assert found.history[1].note == "ghi chú" and found.history[0].at.utcoffset() == dt.timedelta(0)
    assert store.lookup(CODE, ID_NUMBER[-4:]) == found
    assert store.lookup(CODE, "0000") is None
    assert store.lookup("000.00.53.H26-260301-0013", PHONE[-4:]) is None
    assert store.get(CODE) == found


def test_full_numbers_and_last_digits_are_never_stored(store, db):
    store.upsert([make_update(CODE)])
    with db.connect() as connection:
        row = connection.execute(select(DossierRow.__table__).where(DossierRow.code == CODE)).one()
    stored = " ".join(str(value) for value in row)
    for secret in (PHONE, ID_NUMBER, PHONE[-4:], ID_NUMBER[-4:], PHONE[-6:]):
        assert secret not in stored
    assert row.phone_masked == "091*******" and row.id_number_masked == "001*********"


def test_import_is_idempotent_on_the_code(store):
    first = store.upsert([make_update(CODE, history=True), make_update("000.00.53.H26-260301-0013")])
    again = store.upsert([make_update(CODE, history=True), make_update("000.00.53.H26-260301-0013")])
    assert (first.created, first.updated) == (2, 0) and (again.created, again.updated) == (0, 2)
    assert store.count() == 2
    assert len(store.get(CODE).history) == 2
    assert len(store.get("000.00.53.H26-260301-0013").history) == 1
    assert store.lookup(CODE, PHONE[-4:]) is not None               # the salt survived the update


def test_a_new_status_is_appended_to_the_history_once(store):
    update = replace(make_update(CODE), status_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone.utc))
    store.upsert([update])
    later = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.timezone.utc)
    moved = with_status(update, Status.SUPPLEMENT_REQUESTED, missing_documents=("Bản sao CCCD",),
                        supplement_place="Quầy số 3")
    store.upsert([replace(moved, status_at=later)])
    store.upsert([replace(moved, status_at=later)])
    dossier = store.get(CODE)
    assert [c.status for c in dossier.history] == [Status.PROCESSING, Status.SUPPLEMENT_REQUESTED]
    assert dossier.history[-1].at == later
    assert dossier.missing_documents == ("Bản sao CCCD",) and dossier.supplement_place == "Quầy số 3"


def test_an_update_without_numbers_keeps_the_stored_check(store):
    store.upsert([make_update(CODE)])
    store.upsert([make_update(CODE, phone=None, id_number=None, handling_unit="UBND phường Mới")])
    found = store.lookup(CODE, PHONE[-4:])
    assert found.handling_unit == "UBND phường Mới" and found.applicant.phone_masked == "091*******"


def test_a_new_dossier_needs_a_number_to_check(store):
    with pytest.raises(DossierError):
        store.upsert([make_update(CODE, phone=None, id_number=None)])
    assert store.count() == 0


def test_the_hash_key_matters(db, store):
    store.upsert([make_update(CODE)])
    assert SqlDossierStore(db, "another key").lookup(CODE, PHONE[-4:]) is None


def test_overdue_is_computed_from_the_dates_and_status(store):
    store.upsert([make_update(CODE)])
    dossier = store.get(CODE)                                     # due 12 March, processing
    assert not dossier.is_overdue(TODAY) and dossier.days_to_due(TODAY) == 2
    assert dossier.is_overdue(dt.date(2026, 3, 13)) and dossier.days_to_due(dt.date(2026, 3, 15)) == -3
    store.upsert([with_status(make_update(CODE), Status.PROCESSED)])
    assert not store.get(CODE).is_overdue(dt.date(2026, 3, 20))


def test_injection_strings_are_just_data(store, db):
    store.upsert([make_update(CODE, procedure_name="x'); DROP TABLE dossiers; --")])
    assert store.lookup("'; DROP TABLE dossiers; --", "1234") is None
    assert store.get(CODE).procedure_name == "x'); DROP TABLE dossiers; --" and store.count() == 1


def test_many_dossiers_in_one_import(store):
    updates = [make_update(f"000.00.53.H26-260301-{n:04d}", phone=f"09{n:08d}", id_number=None)
               for n in range(1, 1201)]
    assert store.upsert(updates).created == 1200
    assert store.lookup("000.00.53.H26-260301-0777", "0777").applicant.phone_masked == "090*******"
    assert store.upsert(updates[:600]).updated == 600
