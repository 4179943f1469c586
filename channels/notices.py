"""The connectors' own citizen-facing wording, kept in notices.yml (not in Python)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

NOTICES_FILE = Path(__file__).with_name("notices.yml")


@lru_cache(maxsize=1)
def _notices() -> dict[str, str]:
    return yaml.safe_load(NOTICES_FILE.read_text(encoding="utf-8"))


def notice(name: str) -> str:
    return _notices()[name]
