"""The HTTP adapter against a fake one-stop-shop server on 127.0.0.1 (timeouts, 5xx, bad replies)."""
import json
import re
import time
from pathlib import Path

import pytest

from dossiers import DossierUnavailable
from dossiers.codec import from_json, to_json
from dossiers.http_store import HttpDossierStore
from dossiers.settings import DossierSettings
from dossiers.sql_store import SqlDossierStore
from tests.dossiers.conftest import HASH_KEY, PHONE, make_update
from tests.dossiers.fake_api import TOKEN, FakeOneStopShop

CODE = "000.00.53.H26-260301-0012"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "dossier-api.md"


@pytest.fixture
def fake(app_db):
    store = SqlDossierStore(app_db, HASH_KEY)
    store.upsert([make_update(CODE, history=True)])
    with FakeOneStopShop(store) as server:
        yield server


def adapter(fake, **changes) -> HttpDossierStore:
    settings = dict(backend="http", api_url=fake.url, api_token=TOKEN, api_timeout=2.0, api_retries=2)
    settings.update(changes)
    return HttpDossierStore(DossierSettings(**settings))


def test_lookup_returns_the_dossier_with_the_right_digits_only(fake):
    store = adapter(fake)
    found = store.lookup(CODE, PHONE[-4:])
    assert found == SqlDossierStore(fake.store.engine, HASH_KEY).get(CODE)
    assert store.lookup(CODE, "0000") is None and store.lookup("000.00.53.H26-260301-0099", "0000") is None
    method, path, auth, body = fake.behaviour.requests[0]
    assert (method, path, auth, body) == ("POST", "/api/v1/dossiers/lookup", f"Bearer {TOKEN}",
                                          {"code": CODE, "check_digits": PHONE[-4:]})


def test_staff_get_by_code(fake):
    assert adapter(fake).get(CODE).code == CODE
    assert fake.behaviour.requests[-1][:2] == ("GET", "/api/v1/dossiers/000.00.53.H26-260301-0012")


def test_5xx_is_retried(fake):
    fake.behaviour.failures = 2
    assert adapter(fake).lookup(CODE, PHONE[-4:]).code == CODE
    assert len(fake.behaviour.requests) == 3


def test_persistent_5xx_is_a_clear_error_after_the_retries(fake):
    fake.behaviour.failures = 10
    with pytest.raises(DossierUnavailable, match="HTTP 503 after 3 attempts"):
        adapter(fake).lookup(CODE, PHONE[-4:])
    assert len(fake.behaviour.requests) == 3


def test_a_timeout_is_retried_then_a_clear_error(fake):
    fake.behaviour.delay = 0.5
    started = time.monotonic()
    with pytest.raises(DossierUnavailable, match="timed out after 2 attempts"):
        adapter(fake, api_timeout=0.2, api_retries=1).lookup(CODE, PHONE[-4:])
    assert time.monotonic() - started < 2.0


def test_a_refused_token_is_not_retried(fake):
    with pytest.raises(DossierUnavailable, match="HTTP 401"):
        adapter(fake, api_token="wrong").lookup(CODE, PHONE[-4:])
    assert len(fake.behaviour.requests) == 1


def test_a_reply_outside_the_contract_is_a_clear_error(fake):
    fake.behaviour.garbage = True
    with pytest.raises(DossierUnavailable, match="contract"):
        adapter(fake).lookup(CODE, PHONE[-4:])


def test_an_unreachable_server_is_a_clear_error():
    settings = DossierSettings(backend="http", api_url="http://127.0.0.1:9/api", api_timeout=0.5, api_retries=1)
    with pytest.raises(DossierUnavailable, match="could not be reached"):
        HttpDossierStore(settings).lookup(CODE, "1234")


def test_the_documented_example_follows_the_contract(fake):
    blocks = re.findall(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    examples = [json.loads(block) for block in blocks]
    dossier = from_json(next(e for e in examples if "dossier" in e)["dossier"])
    assert to_json(from_json(to_json(dossier))) == to_json(dossier)
    assert dossier.history and dossier.applicant.phone_masked


def test_a_reply_about_another_dossier_is_refused(fake, monkeypatch):
    other = SqlDossierStore(fake.store.engine, HASH_KEY)
    other.upsert([make_update("000.00.53.H26-260301-0013")])
    monkeypatch.setattr(fake.store, "lookup", lambda code, digits: other.get("000.00.53.H26-260301-0013"))
    with pytest.raises(DossierUnavailable, match="contract"):
        adapter(fake).lookup(CODE, PHONE[-4:])
