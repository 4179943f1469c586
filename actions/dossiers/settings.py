"""The dossier backend's settings, read once from the environment (see .env.example)."""
from __future__ import annotations

import os
from dataclasses import dataclass

from actions.dossiers import DossierError

BACKENDS = ("sql", "http")


@dataclass(frozen=True)
class DossierSettings:
    backend: str = "sql"                 # DOSSIER_BACKEND: sql (DATABASE_URL) | http (one-stop-shop system)
    api_url: str = ""                    # DOSSIER_API_URL: base URL of the one-stop-shop system's API
    api_token: str = ""                  # DOSSIER_API_TOKEN: bearer token for it (secret)
    api_timeout: float = 5.0             # DOSSIER_API_TIMEOUT: seconds per HTTP attempt
    api_retries: int = 2                 # DOSSIER_API_RETRIES: extra attempts on timeouts, 429 and 5xx
    hash_key: str = ""                   # DOSSIER_HASH_KEY: secret key of the check-digit hashes (secret)
    max_failures: int = 5                # DOSSIER_MAX_FAILURES: failed checks that lock a sender or a dossier
    failure_window_minutes: int = 15     # DOSSIER_FAILURE_WINDOW_MINUTES: ... within this many minutes
    lockout_minutes: int = 15            # DOSSIER_LOCKOUT_MINUTES: how long look-ups are then refused

    @classmethod
    def from_env(cls) -> "DossierSettings":
        env = os.environ
        settings = cls(
            backend=env.get("DOSSIER_BACKEND", "sql").strip().lower() or "sql",
            api_url=env.get("DOSSIER_API_URL", "").strip().rstrip("/"),
            api_token=env.get("DOSSIER_API_TOKEN", "").strip(),
            api_timeout=float(env.get("DOSSIER_API_TIMEOUT", "5") or 5),
            api_retries=int(env.get("DOSSIER_API_RETRIES", "2") or 2),
            hash_key=env.get("DOSSIER_HASH_KEY", ""),
            max_failures=int(env.get("DOSSIER_MAX_FAILURES", "5") or 5),
            failure_window_minutes=int(env.get("DOSSIER_FAILURE_WINDOW_MINUTES", "15") or 15),
            lockout_minutes=int(env.get("DOSSIER_LOCKOUT_MINUTES", "15") or 15),
        )
        if settings.backend not in BACKENDS:
            raise DossierError(f"DOSSIER_BACKEND must be one of {', '.join(BACKENDS)}, not {settings.backend!r}")
        if settings.backend == "http" and not settings.api_url:
            raise DossierError("DOSSIER_BACKEND=http needs DOSSIER_API_URL")
        return settings
