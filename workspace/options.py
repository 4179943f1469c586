"""Settings the admin chooses in the workspace itself (table workspace_options)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from appdb.engine import engine
from appdb.tables import WorkspaceOption
from appdb.upsert import upsert

DEFAULTS = {"publish_mode": "review"}       # review: a reviewer publishes | immediate: saving publishes
CHOICES = {"publish_mode": ("review", "immediate")}


def get(key: str) -> str:
    with Session(engine()) as session:
        row = session.get(WorkspaceOption, key)
        return row.value if row else DEFAULTS[key]


def put(key: str, value: str) -> None:
    if value not in CHOICES[key]:
        raise ValueError(f"{key} must be one of {', '.join(CHOICES[key])}")
    with Session(engine()) as session, session.begin():
        upsert(session, WorkspaceOption, {"key": key, "value": value}, {"value": value})
