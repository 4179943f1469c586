"""The knowledge base the actions use: created on first use, replaceable by tests."""
from __future__ import annotations

import threading

from knowledge_base.service import KnowledgeBase
from knowledge_base.settings import Settings

_instance: KnowledgeBase | None = None
_lock = threading.Lock()


def knowledge_base() -> KnowledgeBase:
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = KnowledgeBase(Settings.from_env())
    return _instance


def use_knowledge_base(kb: KnowledgeBase | None) -> None:
    """Install another knowledge base (tests), or None to go back to the configured one."""
    global _instance
    _instance = kb
