"""The notification worker's settings: NOTIFY_* variables (see .env.example)."""
from __future__ import annotations

import datetime as dt
import re

from pydantic import Field, SecretStr, field_validator

from envconfig import rasa_port
from envconfig.typed import EnvSettings

_HOURS = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")


class NotifySettings(EnvSettings, env_prefix="NOTIFY_"):
    rasa_url: str = Field(default_factory=lambda: f"http://127.0.0.1:{rasa_port()}")   # where the channels are
    token: SecretStr = SecretStr("")          # sent to the channels' /notify endpoints (secret)
    quiet_hours: str = "21:00-07:00"          # Vietnam time; "off": at any hour
    daily_cap: int = Field(5, ge=1)           # notifications per conversation per Vietnam day
    max_attempts: int = Field(8, ge=1)        # then the delivery is a dead letter
    retry_seconds: float = Field(5.0, gt=0)   # first back-off, doubled at each attempt…
    retry_max_seconds: float = Field(3600.0, gt=0)   # …up to this
    held_recheck_seconds: float = Field(60.0, gt=0)  # a held Zalo notification is offered again this often
    poll_seconds: float = Field(2.0, gt=0)    # the worker looks for work this often when idle
    lease_seconds: float = Field(120.0, gt=0)   # a claimed delivery is someone else's to retry after this
    concurrency: int = Field(8, ge=1)         # deliveries in flight at once
    timeout: float = Field(15.0, gt=0)        # seconds per call to a channel
    offer_minutes: int = Field(30, ge=1)      # "báo cho tôi" works this long after the look-up
    dossier_poll_minutes: float = Field(10.0, ge=0)   # DOSSIER_BACKEND=http: how often followed dossiers are polled
    webhook_port: int = Field(0, ge=0, le=65535)     # DOSSIER_BACKEND=http: the system's "dossier changed" call; 0: off
    webhook_host: str = "127.0.0.1"           # its interface (the one-stop-shop system must reach it)
    webhook_token: SecretStr = SecretStr("")  # the system sends it as a bearer token (secret)

    @field_validator("quiet_hours", mode="after")
    @classmethod
    def _hours(cls, value: str) -> str:
        if value.lower() == "off" or (_HOURS.fullmatch(value) and _times(value)):
            return value.lower()
        raise ValueError("'off' or Vietnam hours like 21:00-07:00")

    @field_validator("webhook_token", mode="after")
    @classmethod
    def _token_for_webhook(cls, value: SecretStr, info) -> SecretStr:
        if info.data.get("webhook_port") and len(value.get_secret_value()) < 32:
            raise ValueError("a secret of at least 32 characters (NOTIFY_WEBHOOK_PORT needs it)")
        return value

    @property
    def quiet(self) -> tuple[dt.time, dt.time] | None:
        return None if self.quiet_hours == "off" else _times(self.quiet_hours)


def _times(value: str) -> tuple[dt.time, dt.time] | None:
    h1, m1, h2, m2 = map(int, _HOURS.fullmatch(value).groups())
    try:
        return dt.time(h1, m1), dt.time(h2, m2)
    except ValueError:
        return None
