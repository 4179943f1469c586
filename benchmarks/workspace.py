"""The staff workspace's numbers, on the real stack (`make run`'s processes on free ports, copies of
the catalog and of an existing index, a fresh application database):

1. publish-to-answer: a reviewer publishes an edited fee (the workspace's publish button, over
   HTTP); the time until a citizen asking on Rasa's REST channel gets the new fee (goal <= 2 s);
2. page response with 10,000 logged unanswered questions: p50 / p95 of each main page (goal
   p95 <= 200 ms), one request at a time, signed in.
Usage: .venv-actions/bin/python benchmarks/workspace.py [--index-dir var/test-index] [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from scripts.stack import Stack  # noqa: E402

RECORD = "1.001193"
PASSWORD = "mat-khau-do-hieu-nang"
PAGES = ("/questions", "/review", "/records", "/records?query=khai+sinh", f"/records/{RECORD}", "/dashboard",
         "/inbox", f"/records/{RECORD}/history")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def ask(rasa_url: str, sender: str, text: str) -> str:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return "\n".join(m.get("text", "") for m in json.loads(reply.read()))


def signed_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    form = client.get("/login").text
    client.post("/login", data={"csrf": CSRF.search(form).group(1), "username": "bench", "password": PASSWORD})
    return client


def publish_to_answer(stack: Stack, client: httpx.Client, fee: str) -> float:
    page = client.get(f"/records/{RECORD}/edit").text
    client.post(f"/records/{RECORD}/edit", data={"csrf": CSRF.search(page).group(1), "method-2-fee": fee})
    csrf = CSRF.search(client.get(f"/records/{RECORD}").text).group(1)
    started = time.perf_counter()
    client.post(f"/records/{RECORD}/publish", data={"csrf": csrf})
    sender = f"bench-{random.random()}"
    while fee not in ask(stack.rasa_url, sender, "lệ phí đăng ký khai sinh"):
        if time.perf_counter() - started > 60:
            raise RuntimeError("the new fee never reached the citizen")
    return time.perf_counter() - started


def log_questions(stack: Stack, count: int) -> None:
    code = ("import random\nfrom appdb.journal import record_unanswered\nrandom.seed(7)\n"
            f"for n in range({count}):\n"
            "    for _ in range(random.choice((1, 1, 1, 2, 3, 8))):\n"
            "        record_unanswered(f'câu hỏi thử số {n} về thủ tục chưa có, gọi 0912 345 {n % 1000:03d}')\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=stack.env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=ROOT / "var" / "test-index")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40, help="per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(tmp)
        shutil.copytree(ROOT / "knowledge_base" / "catalog", var_dir / "catalog")
        shutil.copytree(args.index_dir, var_dir / "index", symlinks=True)
        rasa, actions, workspace = free_ports(3)
        stack = Stack(var_dir=var_dir, log_dir=var_dir / "logs", workspace=True, overrides={
            "RASA_PORT": str(rasa), "ACTIONS_PORT": str(actions), "WORKSPACE_PORT": str(workspace),
            "KB_CATALOG_DIR": str(var_dir / "catalog"), "KB_INDEX_DIR": str(var_dir / "index"),
            "DATABASE_URL": f"sqlite:///{var_dir / 'app.db'}"})
        stack.start()
        try:
            subprocess.run([sys.executable, "-m", "workspace", "create-user", "bench", "--role", "reviewer",
                            "--password-stdin"], input=PASSWORD + "\n", text=True, env=stack.env, cwd=ROOT,
                           check=True, capture_output=True)
            client = signed_in(stack.workspace_url)
            ask(stack.rasa_url, "bench-warm", "lệ phí đăng ký khai sinh")       # the action server warmed up
            times = [publish_to_answer(stack, client, f"{10_000 + n}.000 đồng (đo)") for n in range(args.repeat)]
            print(f"publish-to-answer (fee edit, {args.repeat} runs): median {statistics.median(times):.2f} s, "
                  f"max {max(times):.2f} s")
            log_questions(stack, args.questions)
            print(f"page response, {args.questions:,} logged questions, {args.requests} requests each:")
            for path in PAGES:
                client.get(path)                                                # first use (caches) not timed
                took = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    assert client.get(path).status_code == 200, path
                    took.append((time.perf_counter() - started) * 1000)
                took.sort()
                print(f"  {path:34s} p50 {statistics.median(took):6.1f} ms  p95 "
                      f"{took[int(len(took) * 0.95) - 1]:6.1f} ms")
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
