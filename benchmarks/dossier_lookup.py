"""Dossier status look-up latency at 100,000 dossiers, on SQLite and on PostgreSQL (goal: ≤ 10 ms in the store).

    .venv-actions/bin/python benchmarks/dossier_lookup.py [--count 100000] [--queries 2000]
        [--postgres-url postgresql+psycopg2://postgres@127.0.0.1:5432/test] [--skip-postgres]

For each database: loads N synthetic dossiers (2 history entries each) through the store's
own import path (timed), then times, one query at a time:
  - store, right digits:   SqlDossierStore.lookup with the right last 4 digits (row + history + 2 HMACs)
  - store, wrong digits:   the same dossier, wrong digits (row + 2 HMACs)
  - store, unknown code:   a code that does not exist (same work, no row)
  - look-up, found:        DossierLookup.check end to end: lock-out read + store
  - look-up, failed:       DossierLookup.check with wrong digits: lock-out read + store + failure written
SQLite uses a file in a temporary folder; PostgreSQL a schema of its own, dropped at the end.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from appdb.engine import make_engine  # noqa: E402
from appdb.migrate import upgrade  # noqa: E402
from benchmarks.scratch_schema import add_postgres_arguments, scratch_schema  # noqa: E402
from dossiers.checks import CheckDigits, masked  # noqa: E402
from dossiers.lockout import Lockout  # noqa: E402
from dossiers.lookup import DossierLookup  # noqa: E402
from dossiers.model import VIETNAM, Applicant, Dossier, DossierUpdate, Status, StatusChange  # noqa: E402
from dossiers.settings import DossierSettings  # noqa: E402
from dossiers.sql_store import SqlDossierStore  # noqa: E402

KEY = "benchmark-key"
START = dt.date(2025, 1, 1)


def code_of(n: int) -> str:
    """A unique valid code per n < 10^8: the unit carries n // 10,000, the sequence n % 10,000."""
    received = START + dt.timedelta(days=n % 300)
    return f"000.{n // 1_000_000:02d}.{n // 10_000 % 100:02d}.H26-{received:%y%m%d}-{n % 10_000:04d}"


def phone_of(n: int) -> str:
    return f"09{n:08d}"


def synthetic(n: int) -> DossierUpdate:
    received = START + dt.timedelta(days=n % 300)
    status = list(Status)[n % len(Status)]
    at = dt.datetime.combine(received, dt.time(8, 30), VIETNAM)
    dossier = Dossier(
        code=code_of(n), procedure_name="Đăng ký khai sinh", procedure_id="ht-khai-sinh",
        applicant=Applicant(f"Nguyễn Văn Bench {n:06d}", masked(phone_of(n)), None),
        received_on=received, due_on=received + dt.timedelta(days=15), status=status,
        handling_unit=f"UBND phường Bench {n % 126:03d}",
        history=(StatusChange(Status.RECEIVED, at), StatusChange(status, at + dt.timedelta(days=1))),
    )
    return DossierUpdate(dossier, CheckDigits(phone_of(n)[-4:], None), replace_history=True)


def percentiles(samples: list[float]) -> str:
    p50, p95, p99 = np.percentile(np.array(samples) * 1000, [50, 95, 99])
    return f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  p99 {p99:6.2f} ms"


def timed(function: Callable[[int], object], picks: list[int]) -> list[float]:
    samples = []
    for n in picks:
        started = time.perf_counter()
        function(n)
        samples.append(time.perf_counter() - started)
    return samples


def measure(label: str, url: str, count: int, queries: int) -> None:
    engine = make_engine(url)
    upgrade(engine)          # engines no longer migrate: the stack does, and here the benchmark
    store = SqlDossierStore(engine, KEY)
    lookup = DossierLookup(store, Lockout(engine, DossierSettings(hash_key=KEY)))
    started = time.perf_counter()
    for first in range(0, count, 10_000):
        store.upsert([synthetic(n) for n in range(first, min(count, first + 10_000))])
    load = time.perf_counter() - started
    print(f"\n{label}: {store.count():,} dossiers loaded in {load:.1f} s ({count / load:,.0f}/s)")
    rng = random.Random(7)
    picks = [rng.randrange(count) for _ in range(queries)]
    for n in picks[:50]:                                   # warm-up: connections, caches
        store.lookup(code_of(n), phone_of(n)[-4:])
    cases = {
        "store, right digits": lambda n: store.lookup(code_of(n), phone_of(n)[-4:]),
        "store, wrong digits": lambda n: store.lookup(code_of(n), "0000" if phone_of(n)[-4:] != "0000" else "1111"),
        "store, unknown code": lambda n: store.lookup(code_of(n + count), "1234"),
        "look-up, found": lambda n: lookup.check(f"bench-{n}", code_of(n), phone_of(n)[-4:]),
        "look-up, failed": lambda n: lookup.check(f"bench-{n}", code_of(n), "0000"),
    }
    for name, function in cases.items():
        print(f"  {name:22s} {percentiles(timed(function, picks))}  ({queries} queries)")
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    add_postgres_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite (file)", f"sqlite:///{Path(folder) / 'bench.db'}", args.count, args.queries)
    if not args.skip_postgres:
        with scratch_schema(args.postgres_url) as url:
            measure("PostgreSQL", url, args.count, args.queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
