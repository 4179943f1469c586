"""A fake one-stop-shop system on 127.0.0.1, following docs/dossier-api.md, backed by a real SQL store."""
from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from dossiers.codec import to_json
from dossiers.sql_store import SqlDossierStore

TOKEN = "fake-token"


@dataclass
class Behaviour:
    delay: float = 0.0            # seconds before answering
    failures: int = 0             # answer the next N requests with `failure_status`
    failure_status: int = 503
    garbage: bool = False         # answer 200 with a body that is not the contract
    requests: list = field(default_factory=list)
    received: threading.Event = field(default_factory=threading.Event)   # set when a request arrives
    release: threading.Event | None = None     # when given, hold every answer until it is set


class FakeOneStopShop:
    def __init__(self, store: SqlDossierStore):
        self.store, self.behaviour = store, Behaviour()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"

    def __enter__(self) -> "FakeOneStopShop":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _reply(self, status: int, body: dict | str) -> None:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _serve(self, method: str) -> None:
                behaviour = fake.behaviour
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                behaviour.requests.append((method, self.path, self.headers.get("Authorization"), body))
                behaviour.received.set()
                if behaviour.release is not None:
                    behaviour.release.wait(timeout=30)
                time.sleep(behaviour.delay)
                if behaviour.failures:
                    behaviour.failures -= 1
                    return self._reply(behaviour.failure_status, {"error": "unavailable"})
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._reply(401, {"error": "unauthorized"})
                if behaviour.garbage:
                    return self._reply(200, "<html>maintenance</html>")
                if method == "POST" and self.path == "/api/v1/dossiers/lookup":
                    dossier = fake.store.lookup(body["code"], body["check_digits"])
                elif method == "GET" and self.path.startswith("/api/v1/dossiers/"):
                    dossier = fake.store.get(urllib.parse.unquote(self.path.rsplit("/", 1)[1]))
                else:
                    return self._reply(400, {"error": "bad_request"})
                if dossier is None:
                    return self._reply(404, {"error": "not_found"})
                self._reply(200, {"dossier": to_json(dossier)})

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler
