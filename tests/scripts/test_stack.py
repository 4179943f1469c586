"""`make run`'s supervisor (scripts/run.py, scripts/stack.py) on real servers: stopping cannot be
interrupted by more signals, the servers end with the supervisor even when it is killed, a taken
port is named with its holder at start, and Rasa still answers when the action server is gone.

Runs in .venv-actions; each stack takes about a minute to start (Rasa trains first if the
training data changed). Ports 17000-17999, network calls to 127.0.0.1 only, all with timeouts.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from scripts.stack import ACTIONS_PYTHON, ROOT, port_is_free

GRACE = 10.0                   # Stack.stop's grace period before KILL
START_TIMEOUT = 600.0          # training (1-2 min) and the index build, if needed, come first
ARTIFACTS = ROOT / "test-artifacts" / "logs" / "scripts"


GIVEN: set[int] = set()       # ports handed out already: each stack gets ports of its own


def free_ports(count: int) -> list[int]:
    ports = []
    for port in range(17100, 18000):
        if port not in GIVEN and port_is_free(port):
            GIVEN.add(port)
            ports.append(port)
            if len(ports) == count:
                return ports
    raise RuntimeError("no free port in 17100-17999")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    """The full index the main suite keeps under var/, when built; else one built here, once."""
    shared = ROOT / "var" / "test-index"
    return shared if (shared / "current").exists() else tmp_path_factory.mktemp("index")


def started(pid: int) -> str | None:
    """The process's start time (to tell it from a later process with the same pid), or None
    when it no longer runs (a zombie does not run)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in "ZX" else fields[19]


def listener(port: int) -> int:
    from scripts.stack import port_holders

    holders = port_holders(port)
    assert len(holders) == 1, holders
    return holders[0][0]


class Supervisor:
    """scripts/run.py as `make run` starts it, in a process group of its own, on free ports."""

    def __init__(self, var_dir: Path, index_dir: Path, name: str):
        self.rasa_port, self.actions_port, workspace_port = free_ports(3)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log = ARTIFACTS / f"{name}.log"
        self.env = {**os.environ, "RASA_PORT": str(self.rasa_port), "ACTIONS_PORT": str(self.actions_port),
                    "WORKSPACE_PORT": str(workspace_port), "KB_INDEX_DIR": str(index_dir), "PYTHONPATH": str(ROOT)}
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(
                [str(ACTIONS_PYTHON), str(ROOT / "scripts" / "run.py"), "--var-dir", str(var_dir)],
                cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.servers: dict[str, tuple[int, str]] = {}

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_running(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while "The assistant is running." not in self.output():
            assert self.process.poll() is None, f"run.py exited with {self.process.returncode}:\n{self.output()[-3000:]}"
            assert time.monotonic() < deadline, f"not running after {START_TIMEOUT:.0f}s:\n{self.output()[-3000:]}"
            time.sleep(0.5)
        for name, port in (("rasa", self.rasa_port), ("actions", self.actions_port)):
            pid = listener(port)
            self.servers[name] = (pid, started(pid))

    def running_servers(self) -> list[str]:
        return [name for name, (pid, start) in self.servers.items() if started(pid) == start]

    def wait_servers_gone(self, timeout: float) -> float:
        """Seconds until no server runs; fails after `timeout`."""
        begin = time.monotonic()
        while self.running_servers():
            assert time.monotonic() - begin < timeout, (
                f"still running after {timeout:.0f}s: {self.running_servers()}\n{self.output()[-3000:]}")
            time.sleep(0.1)
        return time.monotonic() - begin

    def cleanup(self) -> None:
        """Whatever a failed test left: the supervisor's group and the servers."""
        for pid in [self.process.pid] + [pid for name, (pid, _) in self.servers.items() if name in self.running_servers()]:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass


@pytest.fixture(scope="module")
def supervisor(tmp_path_factory, index_dir):
    """A started `make run`, shared by the taken-port test and then stopped by the signals test."""
    supervisor = Supervisor(tmp_path_factory.mktemp("var"), index_dir, "run-signals")
    try:
        supervisor.wait_running()
        yield supervisor
    finally:
        supervisor.cleanup()


def run_py(env: dict[str, str], var_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([str(ACTIONS_PYTHON), str(ROOT / "scripts" / "run.py"), "--var-dir", str(var_dir)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_a_port_held_by_another_process_is_named_at_start(tmp_path, index_dir):
    rasa_port, actions_port = free_ports(2)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", actions_port))
        holder.listen()
        env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTIONS_PORT": str(actions_port),
               "KB_INDEX_DIR": str(index_dir), "PYTHONPATH": str(ROOT)}
        result = run_py(env, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"port {actions_port} (ACTIONS_PORT) is already in use by pid {os.getpid()}: " in result.stderr
    assert "pytest" in result.stderr                               # this process's command line
    assert "demo dossiers" not in result.stdout                    # checked before anything else
    assert port_is_free(rasa_port)


def test_a_server_left_from_an_earlier_run_is_named_at_start(supervisor, tmp_path):
    rasa_pid, _ = supervisor.servers["rasa"]
    env = {**supervisor.env, "ACTIONS_PORT": str(free_ports(1)[0])}
    result = run_py(env, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    message = result.stderr
    assert f"port {supervisor.rasa_port} (RASA_PORT) is already in use by pid {rasa_pid}: " in message
    assert "rasa_cli.py run" in message and f"kill {rasa_pid}" in message
    assert supervisor.running_servers() == ["rasa", "actions"]     # the running stack is left alone


def test_signals_while_stopping_neither_interrupt_the_stop_nor_leave_a_server(supervisor):
    group = supervisor.process.pid
    # A service manager's or make's TERM to the whole group, repeated, then a Ctrl-C on top.
    for signum in (signal.SIGTERM, signal.SIGTERM, signal.SIGINT):
        os.killpg(group, signum)
        time.sleep(0.05)
    took = supervisor.wait_servers_gone(GRACE + 2)
    assert supervisor.process.wait(5) == 0, supervisor.output()[-3000:]
    output = supervisor.output()
    assert "stopping…" in output and "Traceback" not in output.split("stopping…", 1)[1], output[-3000:]
    assert port_is_free(supervisor.rasa_port) and port_is_free(supervisor.actions_port)
    print(f"servers gone {took:.1f}s after the first TERM")


def test_the_servers_end_when_the_supervisor_is_killed(tmp_path, index_dir):
    supervisor = Supervisor(tmp_path / "var", index_dir, "run-sigkill")
    try:
        supervisor.wait_running()
        supervisor.process.kill()                                   # SIGKILL: no stop() runs
        supervisor.process.wait(5)
        took = supervisor.wait_servers_gone(GRACE + 2)
        assert port_is_free(supervisor.rasa_port) and port_is_free(supervisor.actions_port)
        print(f"servers gone {took:.1f}s after the supervisor's SIGKILL")
    finally:
        supervisor.cleanup()


def ask(rasa_url: str, message: str, sender: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read())


def test_rasa_answers_when_the_action_server_is_gone(stack):
    """On the session's servers (no boot of its own): the action server is stopped, then started again."""
    sender = f"test-{uuid.uuid4().hex[:12]}"
    assert "khai sinh" in ask(stack.rasa_url, "đăng ký khai sinh", sender)[0]["text"].lower()   # served
    actions = stack.processes.pop("actions")
    try:
        actions.terminate()
        actions.wait(GRACE)
        assert port_is_free(int(stack.env["ACTIONS_PORT"]))
        for message in ("đăng ký khai sinh", "lệ phí bao nhiêu"):   # a new question, then a detail of it
            texts = [reply.get("text", "") for reply in ask(stack.rasa_url, message, sender)]
            assert len(texts) == 1 and "tạm gián đoạn" in texts[0], texts
    finally:
        stack.start_actions()                                   # the other tests of the session still need it
        stack.wait_ready(60, names=("actions",))
    assert "khai sinh" in ask(stack.rasa_url, "đăng ký khai sinh", sender)[0]["text"].lower()   # served again
