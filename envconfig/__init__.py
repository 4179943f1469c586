"""Where every process reads its settings: the environment, then the project's `.env` file.

Standard library only at import time (both Python environments and the `make run` supervisor
use it). Each package owns its settings and their defaults, once: knowledge_base.settings,
dossiers.settings, appdb.settings, notifications.settings (pydantic-settings, through
envconfig.typed), channels.settings (a dataclass: the Rasa environment pins pydantic 1). Every variable is listed in .env.example
(tests/test_settings.py checks it both ways).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / ".env"


class SettingsError(ValueError):
    """A setting with a value the assistant cannot use; the message names the variable and what it accepts."""

    def __init__(self, variable: str, value: object, accepted: str):
        super().__init__(f"{variable}={value!r} is not valid: expected {accepted}")
        self.variable = variable


def load_dotenv(path: Path = ENV_FILE) -> None:
    """The `.env` file's values, where the real environment does not set them (python-dotenv)."""
    if path.is_file():
        from dotenv import load_dotenv as _load

        _load(path, override=False)


def getenv(name: str, default: str = "", env: Mapping[str, str] | None = None) -> str:
    """A variable's value (of `env`, else of the process) without surrounding blanks; `default` when
    unset or empty."""
    return ((os.environ if env is None else env).get(name) or "").strip() or default


def var_dir(env: Mapping[str, str] | None = None) -> Path:
    """VAR_DIR: the directory of the embedded deployment's state (databases, index, channel state)."""
    return project_path(getenv("VAR_DIR", "var", env))


def project_path(value: str | Path) -> Path:
    """A path from a setting: as given when absolute, else relative to the project."""
    path = Path(value)
    return path if path.is_absolute() else ROOT / path


# --- the servers of the embedded deployment (read by the supervisor, the Rasa side and the channels) ---
def rasa_port(env: Mapping[str, str] | None = None) -> int:
    return port("RASA_PORT", 5005, env)


def actions_port(env: Mapping[str, str] | None = None) -> int:
    return port("ACTIONS_PORT", 5055, env)


def workspace_port(env: Mapping[str, str] | None = None) -> int:
    """WORKSPACE_PORT: the staff workspace (workspace/)."""
    return port("WORKSPACE_PORT", 5006, env)


def tracker_db(env: Mapping[str, str] | None = None) -> Path:
    """RASA_TRACKER_DB: the SQLite file of the conversations (bot/tracker_store.py)."""
    return project_path(getenv("RASA_TRACKER_DB", env=env) or var_dir(env) / "tracker.db")


def port(name: str, default: int, env: Mapping[str, str] | None = None) -> int:
    value = getenv(name, str(default), env)
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError(name, value, "a TCP port number (1-65535)")
    return int(value)


# --- how long what citizens said is kept (README, "Personal data") ---
def positive_int(name: str, default: int, env: Mapping[str, str] | None = None, unit: str = "") -> int:
    """A whole number of at least 1 (days, minutes…)."""
    value = getenv(name, str(default), env)
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(name, value, f"a whole number{' of ' + unit if unit else ''}, at least 1")
    return int(value)


def retention_days(name: str, default: int, env: Mapping[str, str] | None = None) -> int:
    """RETENTION_*_DAYS: days a kind of stored data is kept."""
    return positive_int(name, default, env, "days")


def conversation_retention_days(env: Mapping[str, str] | None = None) -> int:
    """RETENTION_CONVERSATION_DAYS: stored conversations (tracker store)."""
    return retention_days("RETENTION_CONVERSATION_DAYS", 90, env)


def journal_retention_days(env: Mapping[str, str] | None = None) -> int:
    """RETENTION_JOURNAL_DAYS: unanswered questions, feedback comments and hand-off requests."""
    return retention_days("RETENTION_JOURNAL_DAYS", 180, env)


def privacy_contact(env: Mapping[str, str] | None = None) -> str:
    """PRIVACY_CONTACT: whom citizens ask about their personal data (the operator sets it)."""
    return getenv("PRIVACY_CONTACT", "bộ phận một cửa của UBND xã, phường nơi Anh/Chị cư trú", env)
