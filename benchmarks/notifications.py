"""Notification throughput: 10,000 subscriptions, 2,000 dossiers changed at once (one staff import),
drained by the worker through a channel endpoint over HTTP: all delivered, none twice.

    .venv-actions/bin/python benchmarks/notifications.py [--dossiers 2000] [--per-dossier 5]
        [--concurrency 8] [--postgres-url …] [--skip-postgres]

The channel is a local HTTP server speaking the /notify contract (channels/push.py: bearer token,
one send per idempotency key), answering at once: the numbers are the worker's and the database's
(fan-out, claims, records, rendering), not Telegram's or Zalo's, whose rate limits come on top.
SQLite uses a file in a temporary folder; PostgreSQL a schema of its own, dropped at the end.
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from appdb.engine import make_engine  # noqa: E402
from appdb.migrate import upgrade  # noqa: E402
from appdb.tables import SubscriptionRow, utcnow  # noqa: E402
from dossiers.model import Status  # noqa: E402
from dossiers.sql_store import SqlDossierStore  # noqa: E402
from notifications.outbox import Outbox  # noqa: E402
from notifications.settings import NotifySettings  # noqa: E402
from notifications.transport import ChannelTransport  # noqa: E402
from notifications.worker import Worker, utc_now  # noqa: E402
from benchmarks.scratch_schema import add_postgres_arguments, scratch_schema  # noqa: E402
from tests.dossiers.conftest import HASH_KEY, make_update  # noqa: E402

TOKEN = secrets.token_urlsafe(32)


class Channel:
    """The /notify contract, in memory: every key it was given, and how often it sent each."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self.calls = 0
        self.lock = threading.Lock()
        channel = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            disable_nagle_algorithm = True      # headers and body in one packet: no 40 ms delayed ACK

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                ok = self.headers.get("Authorization") == f"Bearer {TOKEN}"
                with channel.lock:
                    channel.calls += 1
                    status = "duplicate" if channel.sent[body["key"]] else "sent"
                    if ok and status == "sent":
                        channel.sent[body["key"]] += 1
                raw = json.dumps({"status": status if ok else "unauthorized"}).encode()
                self.send_response(200 if ok else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def measure(label: str, engine, dossiers: int, per_dossier: int, concurrency: int) -> None:
    upgrade(engine)
    store = SqlDossierStore(engine, HASH_KEY)
    codes = [f"000.00.53.H26-260301-{n:04d}" if n < 10_000 else f"000.00.54.H26-260301-{n - 10_000:04d}"
             for n in range(1, dossiers + 1)]
    updates = [make_update(code) for code in codes]
    store.upsert(updates)
    with engine.begin() as connection:
        connection.execute(insert(SubscriptionRow), [
            {"public_id": secrets.token_urlsafe(9), "dossier_code": code, "conversation_id": f"telegram-{n}-{k}",
             "channel": "telegram", "created_at": utcnow()} for n, code in enumerate(codes) for k in range(per_dossier)])
    started = time.perf_counter()
    store.upsert([replace(u, dossier=replace(u.dossier, status=Status.SUPPLEMENT_REQUESTED,
                                             missing_documents=("Giấy chứng sinh",))) for u in updates])
    recorded = time.perf_counter() - started
    channel = Channel()
    settings = NotifySettings(quiet_hours="off", daily_cap=50, concurrency=concurrency, token=TOKEN)
    worker = Worker(engine, settings, ChannelTransport(channel.url, TOKEN, 15), clock=utc_now)
    outbox = Outbox(engine)
    started = time.perf_counter()
    while worker.round() or outbox.pending_changes():
        pass
    drained = time.perf_counter() - started
    expected = dossiers * per_dossier
    counts = outbox.counts()
    twice = sum(1 for n in channel.sent.values() if n > 1)
    print(f"{label}: {dossiers:,} changes in one import recorded in {recorded:.2f} s; {expected:,} notifications "
          f"drained in {drained:.1f} s ({expected / drained:,.0f}/s, concurrency {concurrency}); "
          f"delivered {len(channel.sent):,}, twice {twice}, channel calls {channel.calls:,}, states {counts}")
    worker.pool.shutdown()
    assert len(channel.sent) == expected and twice == 0 and counts == {"sent": expected}, "NOT all delivered once"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--per-dossier", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    add_postgres_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/app.db")
        measure("SQLite", engine, args.dossiers, args.per_dossier, args.concurrency)
        engine.dispose()
    if not args.skip_postgres:
        with scratch_schema(args.postgres_url) as url:
            engine = make_engine(url)
            measure("PostgreSQL", engine, args.dossiers, args.per_dossier, args.concurrency)
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
