"""The dossier backend's settings: DOSSIER_* variables (see .env.example)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from envconfig.typed import EnvSettings


class DossierSettings(EnvSettings, env_prefix="DOSSIER_"):
    backend: Literal["sql", "http"] = "sql"   # sql: dossiers in DATABASE_URL | http: the one-stop-shop system
    api_url: str = Field("", validate_default=True)   # base URL of the one-stop-shop system's API
    api_token: SecretStr = SecretStr("")  # bearer token for it (secret)
    api_timeout: float = Field(5.0, gt=0)   # seconds per HTTP attempt
    api_retries: int = Field(2, ge=0)       # extra attempts on timeouts, 429 and 5xx
    hash_key: SecretStr = SecretStr("")     # secret key of the check-digit hashes (secret)
    max_failures: int = Field(5, ge=1)      # failed checks that lock a sender or a dossier
    failure_window_minutes: int = Field(15, ge=1)   # ... within this many minutes
    lockout_minutes: int = Field(15, ge=1)  # how long look-ups are then refused (doubled at each new lock)
    code_alert_failures: int = Field(20, ge=1)   # failures on one code (all sources) in the window: alert
    alert_failures_per_minute: int = Field(30, ge=1)   # failures overall in a minute: alert

    @field_validator("backend", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("api_url", mode="after")
    @classmethod
    def _url_for_http(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("backend") == "http" and not value:
            raise ValueError("the one-stop-shop system's base URL (DOSSIER_BACKEND=http needs it)")
        return value.rstrip("/")
