"""The knowledge base the actions use: created on first use, replaceable by tests."""
from __future__ import annotations

from actions.lazy import Lazy
from knowledge_base.service import KnowledgeBase
from knowledge_base.settings import Settings

_knowledge_base: Lazy[KnowledgeBase] = Lazy(lambda: KnowledgeBase(Settings.from_env()))
knowledge_base = _knowledge_base.get
use_knowledge_base = _knowledge_base.set
