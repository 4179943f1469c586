"""Dossier store fixtures: a real SQLite file and a real PostgreSQL server (own schema per test)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from dossiers.checks import CheckDigits, masked
from dossiers.model import VIETNAM, Applicant, Dossier, DossierUpdate, Status, StatusChange
from dossiers.settings import DossierSettings
from dossiers.sql_store import SqlDossierStore

HASH_KEY = "test-key"
SETTINGS = DossierSettings(hash_key=HASH_KEY)
TODAY = dt.date(2026, 3, 10)
PHONE, ID_NUMBER = "0912345678", "001099012345"


def make_update(code: str = "000.00.53.H26-260301-0012", status: Status = Status.PROCESSING,
                phone: str | None = PHONE, id_number: str | None = ID_NUMBER, history: bool = False,
                **changes) -> DossierUpdate:
    fields = dict(
        code=code, procedure_name="Đăng ký khai sinh", procedure_id="ht-khai-sinh",
        applicant=Applicant("Trần Thị Thử", masked(phone) if phone else None,
                            masked(id_number) if id_number else None),
        received_on=dt.date(2026, 3, 1), due_on=dt.date(2026, 3, 12), status=status,
        handling_unit="UBND phường Thử nghiệm",
        history=(StatusChange(Status.RECEIVED, dt.datetime(2026, 3, 1, 8, 30, tzinfo=VIETNAM)),
                 StatusChange(status, dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM), "ghi chú")) if history else (),
    )
    fields.update(changes)
    return DossierUpdate(Dossier(**fields), CheckDigits(phone and phone[-4:], id_number and id_number[-4:]),
                         replace_history=history)


def with_status(update: DossierUpdate, status: Status, **changes) -> DossierUpdate:
    return replace(update, dossier=replace(update.dossier, status=status, **changes))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, app_db):
    """The application database, on both engines we support (`app_db`: a SQLite file per test)."""
    return app_db if request.param == "sqlite" else request.getfixturevalue("postgres_engine")


@pytest.fixture
def store(db) -> SqlDossierStore:
    return SqlDossierStore(db, HASH_KEY)
