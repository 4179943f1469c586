"""The workspace as a real server (its own process, database and port), and staff clients of it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import ARTIFACTS, ROOT

PASSWORD = "mat-khau-thu-nghiem"          # test accounts only, created by the CLI as staff would
USERS = {"admin": "admin", "bien.tap": "editor", "duyet": "reviewer"}


def workspace_port() -> int:
    return int(os.environ.get("TEST_WORKSPACE_PORT", "15106"))


def start_workspace(var_dir: Path, env: dict[str, str], port: int, log_name: str) -> subprocess.Popen:
    """`python -m workspace serve` with its accounts made by `create-user`; waits until it answers."""
    for username, role in USERS.items():
        subprocess.run([sys.executable, "-m", "workspace", "create-user", username, "--role", role,
                        "--password-stdin"], input=PASSWORD + "\n", text=True, env=env, cwd=ROOT, check=True,
                       capture_output=True)
    (ARTIFACTS / "logs").mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "logs" / log_name, "ab")
    process = subprocess.Popen([sys.executable, "-m", "workspace", "serve"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        assert process.poll() is None, f"the workspace exited (test-artifacts/logs/{log_name})"
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the workspace did not start")


def workspace_env(var_dir: Path, port: int, **overrides: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "VAR_DIR": str(var_dir), "WORKSPACE_PORT": str(port),
            "WORKSPACE_SECRET": "s" * 40, "DATABASE_URL": f"sqlite:///{var_dir / 'app.db'}", **overrides}


@pytest.fixture(scope="session")
def workspace(tmp_path_factory):
    """A workspace with its own database and a copy of the shipped catalog (no index: these tests
    publish nothing; the browser tests' `live` stack does)."""
    var_dir = tmp_path_factory.mktemp("workspace")
    port = workspace_port()
    shutil.copytree(ROOT / "knowledge_base" / "catalog", var_dir / "catalog")
    env = workspace_env(var_dir, port, KB_INDEX_DIR=str(var_dir / "index"), KB_CATALOG_DIR=str(var_dir / "catalog"))
    process = start_workspace(var_dir, env, port, "workspace.log")
    yield Workspace(f"http://127.0.0.1:{port}", var_dir, env)
    process.terminate()
    process.wait(10)


@dataclass
class Workspace:
    url: str
    var_dir: Path
    env: dict[str, str]

    def client(self, username: str | None = None) -> "Staff":
        staff = Staff(httpx.Client(base_url=self.url, follow_redirects=False, timeout=30))
        if username:
            staff.log_in(username, PASSWORD)
        return staff


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Staff:
    http: httpx.Client

    def log_in(self, username: str, password: str) -> httpx.Response:
        form = self.http.get("/login")
        return self.http.post("/login", data={"csrf": CSRF.search(form.text).group(1), "username": username,
                                              "password": password})

    def csrf(self, path: str = "/") -> str:
        return CSRF.search(self.http.get(path).text).group(1)

    def post(self, path: str, data: dict | None = None, csrf: bool = True) -> httpx.Response:
        return self.http.post(path, data={**({"csrf": self.csrf()} if csrf else {}), **(data or {})})

    def get(self, path: str, **params) -> httpx.Response:
        return self.http.get(path, params=params or None)   # None: keep the query written in the path
