"""Latency and throughput through Rasa's REST webhook, with the action server and the real index.

    .venv-actions/bin/python benchmarks/rest_load.py [--levels 1,10,50] [--messages 1200]
                                                     [--paced 10,60] [--pause 1] [--seconds 30]

Starts the stack (trained model, real index) on its own ports, then runs simulated citizens
at once; each holds an 8-message conversation (procedure questions, follow-ups, small
talk), waiting for each reply before the next message, then makes way for a new citizen.

- Saturation (`--levels`): no pause between a reply and the next message, `--messages` in
  all: the most the two servers can answer, and the latency when they are overrun.
- Paced (`--paced`): each citizen pauses `--pause` seconds after each reply (people read and
  type for far longer), for `--seconds`: latency at a given number of open conversations,
  and whether the servers keep up with the load those conversations offer.

Prints p50/p95 per message, messages per second, wrong, lost or duplicated replies, CPU
time per message of each process, and the peak memory (VmHWM) of both processes.
"""
from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.stack import Stack  # noqa: E402

# (message, text expected in the reply): questions and follow-ups as citizens type them.
SCRIPT = [
    ("lam giay khai sinh cho con can gi", "khai sinh"),
    ("thế lệ phí bao nhiêu?", "Phí, lệ phí"),
    ("đăng ký kết hôn", "kết hôn"),
    ("mất bao lâu", "Thời gian giải quyết"),
    ("cap lai gplx bi mat", "lái xe"),
    ("nộp ở đâu", "Nơi nộp"),
    ("xin chào", "Xin chào"),
    ("cảm ơn", "hỗ trợ"),
]


ARRIVALS = random.Random(5)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def citizen(client: httpx.AsyncClient, url: str, count: float, deadline: float, pause: float,
                  samples: list, problems: list) -> None:
    """`count` messages or until `deadline`: the script's conversation again and again, each
    time as a new citizen, pausing `pause` seconds after each reply. Paced citizens start
    at random moments within the first pause, as people do, not all in the same millisecond."""
    await asyncio.sleep(ARRIVALS.uniform(0, pause))
    n = 0
    while n < count and time.perf_counter() < deadline:
        if n % len(SCRIPT) == 0:
            sender = f"bench-{uuid.uuid4().hex[:10]}"
        message, expected = SCRIPT[n % len(SCRIPT)]
        started = time.perf_counter()
        reply = await client.post(url, json={"sender": sender, "message": message})
        samples.append(time.perf_counter() - started)
        texts = [m.get("text", "") for m in reply.json()] if reply.status_code == 200 else []
        joined = " ".join(texts)
        if reply.status_code != 200 or expected.lower() not in joined.lower():
            problems.append(f"{message!r}: HTTP {reply.status_code}, expected {expected!r} in {joined[:80]!r}")
        elif len(set(texts)) != len(texts):
            problems.append(f"{message!r}: a reply was sent twice")
        n += 1
        await asyncio.sleep(pause)


async def level(url: str, concurrency: int, messages: float = math.inf, seconds: float = math.inf,
                pause: float = 0.0) -> tuple[list[float], list[str], float]:
    samples: list[float] = []
    problems: list[str] = []
    per_citizen = max(1, messages // concurrency) if math.isfinite(messages) else math.inf
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(citizen(client, url, per_citizen, started + seconds, pause, samples, problems)
                               for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return samples, problems, elapsed


def report(label: str, stack: Stack, run) -> None:
    """Run one load level and print its line."""
    cpu_before = {name: cpu_seconds(p.pid) for name, p in stack.processes.items()}
    samples, problems, elapsed = asyncio.run(run)
    cpu = ", ".join(f"{name} {(cpu_seconds(p.pid) - cpu_before[name]) / len(samples) * 1000:.0f}"
                    for name, p in stack.processes.items())
    p50, p95 = np.percentile(np.array(samples) * 1000, [50, 95])
    print(f"{label}: {len(samples)} messages, p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
          f"{len(samples) / elapsed:.1f} messages/s, wrong or lost replies: {len(problems)}; "
          f"CPU ms per message: {cpu}")
    for problem in problems[:5]:
        print(f"     {problem}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="1,10,50", help="saturation: conversations at once, no pause")
    parser.add_argument("--messages", type=int, default=1200, help="messages per saturation level")
    parser.add_argument("--paced", default="10,60", help="paced: conversations at once ('' to skip)")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds a paced citizen waits after a reply")
    parser.add_argument("--seconds", type=float, default=30.0, help="duration of each paced level")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        stack = Stack(var_dir=Path(var), log_dir=Path(var) / "logs",
                      overrides={"RASA_PORT": "18005", "ACTIONS_PORT": "18055"})
        stack.start()
        try:
            url = f"{stack.rasa_url}/webhooks/rest/webhook"
            asyncio.run(level(url, 2, 16))  # warm-up
            for concurrency in [int(c) for c in args.levels.split(",") if c]:
                report(f"{concurrency:3d} at once, no pause", stack, level(url, concurrency, messages=args.messages))
            for concurrency in [int(c) for c in args.paced.split(",") if c]:
                report(f"{concurrency:3d} at once, {args.pause:g} s pause", stack,
                       level(url, concurrency, seconds=args.seconds, pause=args.pause))
            for name, process in stack.processes.items():
                print(f"peak memory {name}: {peak_memory_mb(process.pid):.0f} MB")
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
