"""The live knowledge base of a running process: loads lazily, follows index swaps.

Every search looks at where the index's `current` link points (one readlink): when staff
build a new index, the next question is answered from it, with no restart.
"""
from __future__ import annotations

import logging
import threading

from threadpoolctl import threadpool_limits

from knowledge_base.encoders import Encoder, load_encoder
from knowledge_base.index import IndexUnavailable, LoadedIndex, current_build, load_index
from knowledge_base.schema import Record
from knowledge_base.search import SearchResult, search
from knowledge_base.settings import Settings

log = logging.getLogger(__name__)


class KnowledgeBase:
    def __init__(self, settings: Settings, encoder: Encoder | None = None):
        self.settings = settings
        self._encoder = encoder
        self._index: LoadedIndex | None = None
        self._lock = threading.Lock()

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = load_encoder(self.settings.encoder, self.settings.encoder_engine)
            # OpenMP pools default to every core and spin while waiting: next to Rasa on 2 cores
            # that gave p95 > 1 s. One thread per search leaves the other core to Rasa: the most
            # messages per second (benchmarks/rest_load.py); 2 are faster on an idle machine.
            threadpool_limits(self.settings.search_threads)
        return self._encoder

    def index(self) -> LoadedIndex:
        """The current index, reloaded when the `current` link has moved."""
        build = current_build(self.settings.index_dir)
        if build is None:
            raise IndexUnavailable(
                f"no index in {self.settings.index_dir}: build it with 'python -m knowledge_base build'"
            )
        if self._index is None or self._index.path != build:
            with self._lock:
                if self._index is None or self._index.path != build:
                    self._index = load_index(build, self.encoder.name, previous=self._index)
                    log.info("loaded index %s (%d records)", build.name, len(self._index.records))
        return self._index

    def search(self, query: str, top_k: int = 5) -> SearchResult:
        return search(self.index(), self.encoder, query, top_k)

    def get(self, record_id: str) -> Record | None:
        return self.index().by_id.get(record_id)
