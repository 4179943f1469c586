"""Dossier status (hồ sơ): the model, the two stores (SQL, HTTP adapter), the secure look-up, the staff CLI.

Depends on the application database (appdb) only; nothing here opens a file, a database or a
connection at import time.
"""
from __future__ import annotations


class DossierError(Exception):
    """Root of every error this package raises."""


class InvalidDossierCode(DossierError):
    """A text that is not a dossier code `<unit code>-YYMMDD-NNNN`."""


class DossierUnavailable(DossierError):
    """The dossier backend (database or one-stop-shop system) could not answer."""


class DossierImportError(DossierError):
    """An import file with problems; nothing was written. `problems` lists them, one per line."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the import file")
        self.problems = problems
