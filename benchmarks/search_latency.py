"""Search latency, index build time and memory, at the catalog's size and at 100,000 entries.

    .venv-actions/bin/python benchmarks/search_latency.py [--synthetic 100000] [--rounds 3]

1. Catalog: builds the real catalog's index with the configured encoder (timed), then runs
   every golden question `--rounds` times through KnowledgeBase.search (one query at a time,
   query encoding included) and prints p50/p95/p99.
2. Scale: adds N synthetic procedure records (names recombined from the catalog's own
   syllables). Their passage vectors are random unit vectors, since encoding 100,000 texts
   with the real model would take longer than the measurement; queries are still encoded by
   the real model and searched through the same lexical + vector code (HNSW beyond 50,000
   passages). Prints the same percentiles.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge_base.catalog import Catalog, load_catalog  # noqa: E402
from knowledge_base.encoders import load_encoder  # noqa: E402
from knowledge_base.evaluation import load_golden, load_portal_questions  # noqa: E402
from knowledge_base.index import build_index  # noqa: E402
from knowledge_base.service import KnowledgeBase  # noqa: E402
from knowledge_base.settings import Settings  # noqa: E402


class RandomPassageEncoder:
    """The real encoder for queries; random unit vectors for passages (see the module doc)."""

    def __init__(self, real):
        self.real, self.name, self.dim = real, real.name, real.dim
        self.rng = np.random.default_rng(7)

    def encode_queries(self, texts):
        return self.real.encode_queries(texts)

    def encode_passages(self, texts):
        vectors = self.rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def percentiles(samples: list[float]) -> str:
    p50, p95, p99 = np.percentile(np.array(samples) * 1000, [50, 95, 99])
    return f"p50 {p50:.1f} ms  p95 {p95:.1f} ms  p99 {p99:.1f} ms  ({len(samples)} queries)"


def measure(kb: KnowledgeBase, questions: list[str], rounds: int) -> list[float]:
    kb.search(questions[0])  # warm-up: loads the index
    samples = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            kb.search(question)
            samples.append(time.perf_counter() - started)
    return samples


def synthetic(catalog: Catalog, count: int) -> Catalog:
    rng = random.Random(11)
    words = sorted({w for p in catalog.procedures for w in p.name.split()})
    template = catalog.procedures[0]
    extra = tuple(
        replace(template, id=f"syn-{n}", national_code=None, name=" ".join(rng.sample(words, rng.randint(4, 9))),
                aliases=(), keywords=(), related=(), last_checked=dt.date(2026, 1, 1))
        for n in range(count)
    )
    return Catalog(catalog.procedures + extra, catalog.faqs, "synthetic")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=Settings.from_env().search_threads,
                        help="CPU threads per query (KB_SEARCH_THREADS); set OMP_WAIT_POLICY as the server does")
    args = parser.parse_args()
    settings = Settings.from_env()
    catalog = load_catalog(settings.catalog_dir)
    questions = [q.text for q in load_golden()]
    encoder = load_encoder(settings.encoder, settings.encoder_engine)
    threadpool_limits(args.threads)

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        build_index(catalog, encoder, Path(tmp) / "catalog")
        build = time.perf_counter() - started
        kb = KnowledgeBase(settings.model_copy(update={"index_dir": Path(tmp) / "catalog"}), encoder)
        print(f"catalog: {len(catalog.procedures)} procedures + {len(catalog.faqs)} FAQ entries, "
              f"encoder {encoder.name} ({getattr(encoder, 'engine', 'default')} engine), index build {build:.1f} s; searches on {args.threads} thread(s), "
              f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'default')}")
        print(f"  search latency: {percentiles(measure(kb, questions, args.rounds))}")
        print(f"  search latency, real citizen questions (long, formal): "
              f"{percentiles(measure(kb, [q.text for q in load_portal_questions()], args.rounds))}")

        if args.synthetic:
            big = synthetic(catalog, args.synthetic)
            started = time.perf_counter()
            build_index(big, RandomPassageEncoder(encoder), Path(tmp) / "big")
            build = time.perf_counter() - started
            kb = KnowledgeBase(settings.model_copy(update={"index_dir": Path(tmp) / "big"}), encoder)
            print(f"synthetic: {len(big.records)} records, index build {build:.1f} s (random passage vectors)")
            print(f"  search latency: {percentiles(measure(kb, questions, 1))}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
