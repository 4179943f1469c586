"""The application database's setting: DATABASE_URL (see .env.example)."""
from __future__ import annotations

from pydantic import Field

from envconfig import var_dir
from envconfig.typed import EnvSettings


class DatabaseSettings(EnvSettings):
    database_url: str = Field(default_factory=lambda: f"sqlite:///{var_dir() / 'app.db'}")
