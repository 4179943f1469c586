import pytest


@pytest.fixture(autouse=True)
def installed(app_db):
    """Every test of this package on its own migrated SQLite file."""
    return app_db
