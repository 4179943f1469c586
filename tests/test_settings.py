"""Every setting is listed in .env.example (and nothing else), and a bad value is named clearly."""
from __future__ import annotations

import re

import pytest

from appdb.settings import DatabaseSettings
from dossiers.settings import DossierSettings
from envconfig import ROOT, SettingsError, rasa_port
from knowledge_base.settings import Settings as KnowledgeBaseSettings
from notifications.settings import NotifySettings
from workspace.settings import WorkspaceSettings

TYPED = (KnowledgeBaseSettings, DossierSettings, DatabaseSettings, NotifySettings, WorkspaceSettings)
SOURCES = ("actions", "appdb", "bot", "channels", "dossiers", "envconfig", "knowledge_base", "notifications", "privacy",
           "scripts", "tests", "benchmarks", "workspace")
READ_BY_LIBRARIES = {"OMP_WAIT_POLICY"}      # set by the stack for OpenMP, not read by our code
STDLIB_READ = re.compile(r"""\b(?:getenv|get|port|retention_days|positive_int|environ\.get)\(\s*["']([A-Z][A-Z0-9_]{2,})["']""")


def listed() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


def read() -> set[str]:
    names = {name for cls in TYPED for name in cls.variables()}
    for package in SOURCES:
        for path in (ROOT / package).rglob("*.py"):
            names.update(STDLIB_READ.findall(path.read_text(encoding="utf-8")))
    return names - {"TELEGRAM_API", "CHANNELS"}


def test_every_setting_read_is_listed_in_env_example_and_every_listed_one_is_read():
    assert read() - listed() == set()
    assert listed() - read() - READ_BY_LIBRARIES == set()


@pytest.mark.parametrize("settings, variable, value, accepted", [
    (KnowledgeBaseSettings, "KB_E5_ENGINE", "gpu", "'auto', 'torch' or 'c'"),
    (KnowledgeBaseSettings, "KB_SEARCH_THREADS", "0", "greater than or equal to 1"),
    (DossierSettings, "DOSSIER_BACKEND", "ftp", "'sql' or 'http'"),
    (DossierSettings, "DOSSIER_MAX_FAILURES", "five", "a valid integer"),
    (DossierSettings, "DOSSIER_BACKEND", "http", "DOSSIER_API_URL='' is not valid: expected the one-stop-shop"),
    (WorkspaceSettings, "WORKSPACE_SECRET", "short", "a secret of at least 32 characters"),
    (NotifySettings, "NOTIFY_QUIET_HOURS", "9pm-7am", "'off' or Vietnam hours like 21:00-07:00"),
    (NotifySettings, "NOTIFY_DAILY_CAP", "0", "greater than or equal to 1"),
])
def test_a_bad_value_names_the_variable_and_what_it_accepts(monkeypatch, settings, variable, value, accepted):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        settings.from_env()
    assert accepted in str(error.value) and error.value.variable in (variable, "DOSSIER_API_URL")


def test_an_empty_value_means_the_default_and_ports_are_checked(monkeypatch):
    monkeypatch.setenv("KB_E5_ENGINE", "")
    assert KnowledgeBaseSettings.from_env().encoder_engine == "auto"
    with pytest.raises(SettingsError, match=r"RASA_PORT='99999' is not valid: expected a TCP port"):
        rasa_port({"RASA_PORT": "99999"})
