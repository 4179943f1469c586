"""Dossier store fixtures: a real SQLite file and a real PostgreSQL server (own schema per test)."""
from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, make_url, text

from actions.database import make_engine
from actions.dossiers.checks import CheckDigits, masked
from actions.dossiers.model import VIETNAM, Applicant, Dossier, DossierUpdate, Status, StatusChange
from actions.dossiers.settings import DossierSettings
from actions.dossiers.sql_store import SqlDossierStore

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
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


@pytest.fixture(scope="session")
def postgres_server() -> str:
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect():
            pass
    except Exception as error:  # noqa: BLE001 — say what is missing, then fail
        pytest.fail(f"PostgreSQL is needed at {POSTGRES_URL} (scripts/ensure_postgres.sh, or TEST_POSTGRES_URL): "
                    f"{type(error).__name__}")
    finally:
        engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def postgres_engine(postgres_server):
    """A fresh schema on the test server, dropped afterwards: tests are repeatable and independent."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(postgres_server).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, installed):
    """The application database, on both engines we support (`installed`: a SQLite file per test)."""
    return installed if request.param == "sqlite" else request.getfixturevalue("postgres_engine")


@pytest.fixture
def store(db) -> SqlDossierStore:
    return SqlDossierStore(db, HASH_KEY)
