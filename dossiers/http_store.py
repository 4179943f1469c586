"""The HTTP adapter for an external one-stop-shop system (contract: docs/dossier-api.md).

`POST {DOSSIER_API_URL}/dossiers/lookup` with the code and the 4 check digits; the remote
system does the check. Bearer token, a timeout per attempt, bounded retries with exponential
back-off (tenacity) on timeouts, connection errors, 429 and 5xx; every failure becomes
DossierUnavailable. Synchronous: the action runs it in a worker thread (actions/dossier.py).
"""
from __future__ import annotations

import logging
import urllib.parse
from typing import Any

import httpx
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from dossiers import DossierUnavailable
from dossiers.codec import from_json
from dossiers.codes import code_ref
from dossiers.model import Dossier
from dossiers.settings import DossierSettings

log = logging.getLogger(__name__)
RETRIED_STATUSES = {429, 500, 502, 503, 504}
BACKOFF = 0.2      # seconds before the first retry, doubled each time


class _Retryable(Exception):
    """An attempt worth repeating: a timeout, no connection, 429 or 5xx."""


class HttpDossierStore:
    def __init__(self, settings: DossierSettings, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        logging.getLogger("httpx").setLevel(logging.WARNING)   # its INFO lines carry URLs with dossier codes
        headers = {"Accept": "application/json", "User-Agent": "hanoi-assistant-dossiers/1"}
        if token := settings.api_token.get_secret_value():
            headers["Authorization"] = f"Bearer {token}"
        self.client = httpx.Client(base_url=settings.api_url, headers=headers, transport=transport,
                                   timeout=httpx.Timeout(settings.api_timeout))

    def lookup(self, code: str, check_digits: str) -> Dossier | None:
        return self._dossier("POST", "/dossiers/lookup", code, json={"code": code, "check_digits": check_digits})

    def get(self, code: str) -> Dossier | None:
        return self._dossier("GET", "/dossiers/" + urllib.parse.quote(code, safe=""), code)

    def close(self) -> None:
        self.client.close()

    def _dossier(self, method: str, path: str, code: str, json: dict[str, Any] | None = None) -> Dossier | None:
        reply = self._send(method, path, code, json)
        if reply.status_code == 404:
            return None
        try:
            dossier = from_json(reply.json()["dossier"])
            if dossier.code.upper() != code.upper():
                raise ValueError("a reply about another dossier")
            return dossier
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            log.error("one-stop-shop API: a reply for %s does not follow the contract (%s)", code_ref(code),
                      type(error).__name__)
            raise DossierUnavailable("the one-stop-shop system's reply does not follow the contract") from error

    def _send(self, method: str, path: str, code: str, json: dict[str, Any] | None) -> httpx.Response:
        attempts = 1 + self.settings.api_retries
        retrying = Retrying(stop=stop_after_attempt(attempts), wait=wait_exponential(multiplier=BACKOFF),
                            retry=retry_if_exception_type(_Retryable))
        try:
            for attempt in retrying:
                with attempt:
                    return self._attempt(method, path, code, json, attempt.retry_state.attempt_number, attempts)
        except RetryError as error:
            problem = error.last_attempt.exception()
            raise DossierUnavailable(f"the one-stop-shop system {problem} after {attempts} attempts") from error
        raise AssertionError("unreachable")

    def _attempt(self, method: str, path: str, code: str, json: dict[str, Any] | None, number: int,
                 attempts: int) -> httpx.Response:
        try:
            reply = self.client.request(method, path, json=json)
        except httpx.TimeoutException:
            problem = "timed out"
        except httpx.TransportError as error:
            problem = f"could not be reached ({type(error).__name__})"
        else:
            if reply.status_code in (200, 404):
                return reply
            if reply.status_code not in RETRIED_STATUSES:
                log.error("one-stop-shop API: HTTP %s for %s", reply.status_code, code_ref(code))
                raise DossierUnavailable(f"the one-stop-shop system answered HTTP {reply.status_code}")
            problem = f"answered HTTP {reply.status_code}"
        log.warning("one-stop-shop API %s for %s (attempt %d of %d)", problem, code_ref(code), number, attempts)
        raise _Retryable(problem)
