"""Rasa's HTTP API, as the workspace uses it for hand-offs: a conversation's transcript, a staff
reply delivered on the citizen's own channel (output_channel=latest: the web chat's page fetches
it, Telegram and Zalo get it at once), and the hand-back to the assistant (a `resume` event, then
utter_handoff_returned of bot/domain/handoff.yml and a listen). Every call carries RASA_API_TOKEN."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import httpx

from privacy import mask

SEND = {"output_channel": "latest", "execute_side_effects": "true"}


class RasaApiError(RuntimeError):
    pass


@dataclass(frozen=True)
class Line:
    who: str          # "citizen" | "bot" | "staff"
    text: str
    at: float


class RasaApi:
    def __init__(self, url: str, token: str, timeout: float = 15.0):
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout

    def _call(self, method: str, conversation_id: str, action: str, params: dict | None = None,
              body: object = None) -> dict:
        try:
            reply = httpx.request(method, f"{self.url}/conversations/{quote(conversation_id, safe='')}/{action}",
                                  params={"token": self.token, **(params or {})}, json=body, timeout=self.timeout)
        except httpx.HTTPError as error:
            raise RasaApiError(f"không kết nối được tới Rasa: {type(error).__name__}") from None
        if reply.status_code >= 400:
            raise RasaApiError(f"Rasa trả lời {reply.status_code}")
        return reply.json()

    def transcript(self, conversation_id: str) -> list[Line]:
        """What was said, personal numbers masked (the store keeps them masked already; masked again)."""
        tracker = self._call("GET", conversation_id, "tracker", {"include_events": "AFTER_RESTART"})
        lines = []
        for event in tracker.get("events") or []:
            if event.get("event") == "user" and event.get("text"):
                lines.append(Line("citizen", mask(event["text"]), event.get("timestamp") or 0))
            elif event.get("event") == "bot" and event.get("text"):
                staff = bool((event.get("metadata") or {}).get("from_staff"))
                lines.append(Line("staff" if staff else "bot", mask(event["text"]), event.get("timestamp") or 0))
        return lines

    def reply(self, conversation_id: str, text: str) -> None:
        self._call("POST", conversation_id, "tracker/events", SEND,
                   {"event": "bot", "text": text, "metadata": {"from_staff": True}})

    def hand_back(self, conversation_id: str) -> None:
        self._call("POST", conversation_id, "tracker/events", SEND, [{"event": "resume"}])
        self._call("POST", conversation_id, "execute", SEND, {"name": "utter_handoff_returned"})
        # As after any bot turn: the citizen's next message follows a listen, so rules apply again.
        self._call("POST", conversation_id, "tracker/events", None, [{"event": "action", "name": "action_listen"}])
