"""Handing one notification to the Rasa server's channel: POST /webhooks/<channel>/notify
(channels/push.py). The channel sends it to the platform once per idempotency key."""
from __future__ import annotations

import enum
from dataclasses import dataclass

import httpx


class Result(enum.Enum):
    SENT = "sent"              # delivered now, or earlier under the same key
    HELD = "held"              # Zalo: outside the citizen's free window; offered again later
    RETRY = "retry"            # network error, 429, 5xx: back off and try again
    FAILED = "failed"          # refused for good (unknown conversation, bad request): a dead letter
    IN_DOUBT = "in_doubt"      # the channel started sending under this key and never finished: not resent


@dataclass(frozen=True)
class Outcome:
    result: Result
    error: str | None = None
    retry_after: float | None = None


class ChannelTransport:
    def __init__(self, rasa_url: str, token: str, timeout: float, client: httpx.Client | None = None):
        self.url, self.token = rasa_url.rstrip("/"), token
        self.client = client or httpx.Client(timeout=timeout)

    def send(self, channel: str, key: str, conversation_id: str, text: str, buttons: list[dict]) -> Outcome:
        try:
            reply = self.client.post(f"{self.url}/webhooks/{channel}/notify",
                                     json={"key": key, "conversation": conversation_id, "text": text,
                                           "buttons": buttons},
                                     headers={"Authorization": f"Bearer {self.token}"})
        except httpx.HTTPError as error:
            return Outcome(Result.RETRY, f"network: {type(error).__name__}")
        status = _body(reply).get("status")
        if reply.status_code == 200 and status in ("sent", "duplicate"):
            return Outcome(Result.SENT)
        if reply.status_code == 200 and status == "in_doubt":
            return Outcome(Result.IN_DOUBT, "the channel may have sent it before a crash: check with the citizen")
        if reply.status_code == 409 and status == "held":
            return Outcome(Result.HELD, "outside the channel's free window")
        if reply.status_code == 429 or reply.status_code >= 500:
            return Outcome(Result.RETRY, f"HTTP {reply.status_code}", _seconds(reply.headers.get("Retry-After")))
        return Outcome(Result.FAILED, f"HTTP {reply.status_code} {str(status or '')[:80]}")

    def close(self) -> None:
        self.client.close()


def _body(reply: httpx.Response) -> dict:
    try:
        body = reply.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
