"""The web chat's session ids: issued by the server, signed, expiring after inactivity.

A token is `<id>.<expires>.<signature>`: a random id (the conversation is `web-<id>`), the
Unix time it expires, and an HMAC-SHA256 of both with WEB_SESSION_SECRET. The page gets one
from GET /webhooks/web/session and sends it with every message; every answer carries a
renewed token (header X-Session), so a session ends WEB_SESSION_MINUTES after the last
message, when the tab is closed (the page keeps it in sessionStorage) or on "kết thúc".
Standard library only.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

ID_BYTES = 16


class SessionTokens:
    def __init__(self, secret: str, minutes: int):
        self._secret, self.lifetime = secret.encode(), minutes * 60

    def issue(self, session_id: str | None = None, now: float | None = None) -> str:
        """A token for a new session, or a renewed one for `session_id`."""
        session_id = session_id or secrets.token_urlsafe(ID_BYTES)
        expires = int((time.time() if now is None else now) + self.lifetime)
        return f"{session_id}.{expires}.{self._sign(session_id, expires)}"

    def session_id(self, token: object, now: float | None = None) -> str | None:
        """The session's id when the token is ours and has not expired, else None."""
        if not isinstance(token, str) or token.count(".") != 2:
            return None
        session_id, expires, signature = token.split(".")
        if not expires.isdigit() or not hmac.compare_digest(signature, self._sign(session_id, int(expires))):
            return None
        return session_id if int(expires) > (time.time() if now is None else now) else None

    def _sign(self, session_id: str, expires: int) -> str:
        return hmac.new(self._secret, f"{session_id}.{expires}".encode(), hashlib.sha256).hexdigest()
