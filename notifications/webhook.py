"""The one-stop-shop system's webhook: POST /dossier-changed {"code": "…"} with
Authorization: Bearer $NOTIFY_WEBHOOK_TOKEN, on NOTIFY_WEBHOOK_PORT of the worker process.

It only says *which* dossier changed; the worker then asks the system for it (the poller, through
the authenticated adapter), so nothing the caller sends is shown to a citizen. Always 202 for a
well-formed call, followed dossier or not (nothing to learn from it)."""
from __future__ import annotations

import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from dossiers import InvalidDossierCode
from dossiers.codes import normalize_code

MAX_BODY = 4096


def serve(host: str, port: int, token: str, nudge: Callable[[str], None]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:      # no codes in the logs
            pass

        def do_POST(self) -> None:
            offered = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if self.path != "/dossier-changed":
                return self._answer(404, "not_found")
            if not hmac.compare_digest(offered.encode(), token.encode()):
                return self._answer(401, "unauthorized")
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._answer(413, "too_large")
            try:
                nudge(normalize_code(str(json.loads(self.rfile.read(length))["code"])))
            except (ValueError, KeyError, TypeError, InvalidDossierCode):
                return self._answer(400, "expected {\"code\": \"<dossier code>\"}")
            self._answer(202, "accepted")

        def _answer(self, status: int, word: str) -> None:
            raw = json.dumps({"status": word}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="dossier-webhook", daemon=True).start()
    return server
