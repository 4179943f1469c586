"""The dossier backend's interface, and the choice between its two implementations (DOSSIER_BACKEND)."""
from __future__ import annotations

from typing import Protocol

from dossiers.model import Dossier
from dossiers.settings import DossierSettings


class DossierStore(Protocol):
    def lookup(self, code: str, check_digits: str) -> Dossier | None:
        """The dossier if the code exists AND the 4 digits end its phone or ID number; None otherwise
        (the same None for both, after the same work). Raises DossierUnavailable."""

    def get(self, code: str) -> Dossier | None:
        """The dossier without a check (staff tools only). Raises DossierUnavailable."""


def open_store(settings: DossierSettings) -> DossierStore:
    """The configured store: the SQL store on DATABASE_URL, or the one-stop-shop system's API."""
    if settings.backend == "http":
        from dossiers.http_store import HttpDossierStore
        return HttpDossierStore(settings)
    from appdb.engine import engine
    from dossiers.sql_store import SqlDossierStore
    return SqlDossierStore(engine(), settings.hash_key.get_secret_value())
