"""A process-wide value made on first use (no I/O at import time), replaceable by tests."""
from __future__ import annotations

import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    def __init__(self, make: Callable[[], T]):
        self._make = make
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._make()
        return self._value

    def set(self, value: T | None) -> None:
        """Install another value, or None to make the configured one again on next use."""
        self._value = value
