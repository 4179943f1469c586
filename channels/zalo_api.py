"""Zalo Official Account API: customer-service messages, and the access-token pair that expires.

Access tokens last about 25 h; a refresh token works once. The current pair is kept in a JSON
file (written to a temporary file, then os.replace: a crash leaves the old file or the new
one, never half of one) so a restart keeps using the latest pair. The pair in the environment
seeds the file; a different pair set in the environment later wins over the file.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from channels import ChannelsError
from channels.safelog import get_logger, register_secret, who
from channels.settings import ZaloSettings

logger = get_logger(__name__)

MESSAGE_PATH = "/v3.0/oa/message/cs"
TOKEN_PATH = "/v4/oa/access_token"
TOKEN_ERRORS = frozenset({-124, -201, -216})   # access token expired / invalid: refresh and retry once
EARLY_REFRESH = 60.0                            # seconds before the announced expiry


class ZaloApiError(ChannelsError):
    def __init__(self, code: int, message: str):
        super().__init__(f"Zalo API error {code}: {message}")
        self.code = code


@dataclass(frozen=True)
class TokenPair:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float = 0.0      # epoch seconds; 0: unknown
    seed: str = ""               # fingerprint of the environment pair this one descends from

    def expired(self, now: float) -> bool:
        return bool(self.expires_at) and now >= self.expires_at - EARLY_REFRESH


def seed_of(access_token: str, refresh_token: str) -> str:
    return hashlib.sha256(f"{access_token}\0{refresh_token}".encode()).hexdigest()[:16]


class TokenFile:
    def __init__(self, path: Path):
        self.path = path

    def load(self) -> TokenPair | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return TokenPair(str(data["access_token"]), str(data["refresh_token"]),
                             float(data.get("expires_at") or 0), str(data.get("seed") or ""))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            logger.error("the Zalo token file %s is unreadable; using the environment's pair", self.path)
            return None

    def save(self, pair: TokenPair) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A new file of our own (mkstemp: O_EXCL, mode 600): never one an attacker placed or linked there.
        descriptor, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(asdict(pair), file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)


class ZaloApi:
    def __init__(self, settings: ZaloSettings, client: httpx.AsyncClient | None = None):
        self.settings = settings
        self.file = TokenFile(settings.token_file)
        self._client = client
        self._pair: TokenPair | None = None
        self._lock = asyncio.Lock()        # one refresh at a time: a refresh token works once
        register_secret(settings.access_token, settings.refresh_token, settings.app_secret, settings.oa_secret_key)

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=15)
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def tokens(self) -> TokenPair:
        """The current pair: the file's, unless the environment holds a different (newer) one."""
        if self._pair is None:
            env_seed = seed_of(self.settings.access_token, self.settings.refresh_token)
            stored = self.file.load()
            has_env = bool(self.settings.access_token or self.settings.refresh_token)
            if stored is not None and (stored.seed == env_seed or not has_env):
                self._pair = stored
            else:
                self._pair = TokenPair(self.settings.access_token, self.settings.refresh_token, 0.0, env_seed)
            register_secret(self._pair.access_token, self._pair.refresh_token)
        return self._pair

    async def refresh(self, stale: TokenPair) -> TokenPair:
        """A fresh pair; when another task already replaced `stale`, that one (no second refresh)."""
        async with self._lock:
            current = self.tokens()
            if current.access_token != stale.access_token:
                return current
            if not current.refresh_token or not self.settings.app_secret:
                raise ZaloApiError(0, "cannot refresh the access token: ZALO_REFRESH_TOKEN/ZALO_APP_SECRET missing")
            reply = await self.client.post(
                self.settings.oauth_base_url + TOKEN_PATH, headers={"secret_key": self.settings.app_secret},
                data={"refresh_token": current.refresh_token, "app_id": self.settings.app_id,
                      "grant_type": "refresh_token"})
            data = _json(reply)
            if not data.get("access_token") or not data.get("refresh_token"):
                raise ZaloApiError(int(data.get("error") or -1), str(data.get("error_name") or data.get("message")
                                                                     or f"HTTP {reply.status_code}"))
            lifetime = float(data.get("expires_in") or 0)
            fresh = replace(current, access_token=str(data["access_token"]), refresh_token=str(data["refresh_token"]),
                            expires_at=time.time() + lifetime if lifetime else 0.0)
            register_secret(fresh.access_token, fresh.refresh_token)
            self.file.save(fresh)            # the old refresh token is spent: store before anything else
            self._pair = fresh
            logger.info("Zalo access token refreshed")
            return fresh

    async def send(self, user_id: str, message: dict[str, Any]) -> str:
        """Send one customer-service message; returns Zalo's message id. Raises ZaloApiError."""
        body = {"recipient": {"user_id": user_id}, "message": message}
        pair = self.tokens()
        if pair.expired(time.time()):
            pair = await self.refresh(pair)
        data = await self._post_message(pair, body)
        if int(data.get("error", 0)) in TOKEN_ERRORS:
            logger.info("Zalo access token rejected (%s); refreshing", data.get("error"))
            data = await self._post_message(await self.refresh(pair), body)
        code = int(data.get("error", -1))
        if code != 0:
            raise ZaloApiError(code, str(data.get("message")))
        logger.debug("Zalo message sent to %s", who(user_id))
        return str((data.get("data") or {}).get("message_id", ""))

    async def _post_message(self, pair: TokenPair, body: dict[str, Any]) -> dict[str, Any]:
        reply = await self.client.post(self.settings.api_base_url + MESSAGE_PATH, json=body,
                                       headers={"access_token": pair.access_token})
        return _json(reply)


def _json(reply: httpx.Response) -> dict[str, Any]:
    try:
        data = json.loads(reply.content, parse_int=str)
    except ValueError:
        raise ZaloApiError(-1, f"HTTP {reply.status_code}, not JSON") from None
    if not isinstance(data, dict):
        raise ZaloApiError(-1, f"HTTP {reply.status_code}, unexpected reply")
    return data
