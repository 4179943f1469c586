"""The knowledge base the actions use: created on first use, replaceable by tests."""
from __future__ import annotations

from appdb.lazy import Lazy
from envconfig import SettingsError
from knowledge_base import KnowledgeBaseError
from knowledge_base.service import KnowledgeBase
from knowledge_base.settings import Settings


def _open() -> KnowledgeBase:
    try:
        return KnowledgeBase(Settings.from_env())
    except SettingsError as error:     # logged by the action, which then says it cannot answer now
        raise KnowledgeBaseError(f"the knowledge base's settings: {error}") from error


_knowledge_base: Lazy[KnowledgeBase] = Lazy(_open)
knowledge_base = _knowledge_base.get
use_knowledge_base = _knowledge_base.set
