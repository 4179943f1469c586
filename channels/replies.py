"""What the bot says, independent of the platform: text plus buttons (title shown, payload for Rasa)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default=())

    @classmethod
    def from_rasa(cls, message: Mapping[str, Any]) -> "Reply":
        """One message of Rasa's CollectingOutputChannel (text, buttons or quick replies, image)."""
        text = str(message.get("text") or "")
        if message.get("image"):
            text = f"{text}\n{message['image']}".strip()
        raw = message.get("buttons") or message.get("quick_replies") or []
        buttons = tuple(Button(str(b.get("title") or b.get("payload")), str(b.get("payload") or b.get("title")))
                        for b in raw if isinstance(b, Mapping) and (b.get("payload") or b.get("title")))
        return cls(text, buttons)
