"""Reading citizen-facing phrases from the domain, where all wording lives."""
from __future__ import annotations

from typing import Any


def phrase(domain: dict[str, Any], response: str, **values: Any) -> str:
    """The text of a domain response (its first variant), filled with values."""
    text = domain["responses"][response][0]["text"]
    return text.format(**values) if values else text
