"""Starting and stopping the assistant's processes; shared by `make run` and the tests.

Standard library only: it runs before anything else is known to work.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import envconfig  # noqa: E402  (standard library only)
from envconfig import ROOT  # noqa: E402

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


def settings_env(var_dir: Path, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the stack's processes: this one's, with VAR_DIR (from which the packages
    derive their default paths), the ports (envconfig's defaults when unset) and the overrides."""
    env = {**os.environ, **QUIET, "VAR_DIR": str(var_dir), **(overrides or {})}
    env.update(RASA_PORT=str(envconfig.rasa_port(env)), ACTIONS_PORT=str(envconfig.actions_port(env)),
               WORKSPACE_PORT=str(envconfig.workspace_port(env)), RASA_TRACKER_DB=str(envconfig.tracker_db(env)),
               PYTHONPATH=str(ROOT))
    for name in SECRETS:
        env[name] = env.get(name) or kept_secret(var_dir / "secrets" / name.lower())
    return env


SECRETS = ("ACTIONS_TOKEN", "DOSSIER_HASH_KEY", "WEB_SESSION_SECRET", "PSEUDONYM_KEY", "NOTIFY_TOKEN", "WORKSPACE_SECRET",
           "RASA_API_TOKEN")   # made when unset


def kept_secret(path: Path) -> str:
    """A random secret kept in a file of mode 600 (made on first use, and said so)."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(value + "\n")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"created a secret for the embedded deployment: {shown} (mode 600; set {path.name.upper()} to use "
          f"your own)", flush=True)
    return value


def training_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def tied_to_this_process() -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child get SIGTERM when this process dies, even by SIGKILL.

    The servers run in sessions of their own (`start_new_session=True`), so that a terminal's
    Ctrl-C reaches only the supervisor, which then stops them in order; but then nothing ends
    them if the supervisor itself is killed. Linux's PR_SET_PDEATHSIG does, in the kernel,
    whatever killed the supervisor, and needs no code in the servers; the alternative, a
    watchdog reading a pipe from the supervisor until EOF, would need a thread or a wrapper
    process inside each server. SIGTERM, not SIGKILL: the servers then shut down as on a
    normal stop. Elsewhere (macOS) there is no such call and this returns None.
    The function runs in the forked child before exec: it only calls the libc function looked
    up here, so it takes no lock that another thread of the parent could have held at fork.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    parent = os.getpid()

    def tie() -> None:
        prctl(1, signal.SIGTERM, 0, 0, 0)                 # 1: PR_SET_PDEATHSIG
        if os.getppid() != parent:                        # the parent died before that call
            os.kill(os.getpid(), signal.SIGTERM)

    return tie


@contextlib.contextmanager
def signals_held(signums: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)) -> Iterator[None]:
    """Signals that arrive inside the block are delivered when it ends, not in the middle of it.

    (A second Ctrl-C or TERM used to raise KeyboardInterrupt inside `Stack.stop`, which left
    the servers not yet stopped running.) Only the main thread can set signal handlers; from
    another thread the block runs unprotected.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in signums}
    held = [signum for signum, handler in previous.items() if handler not in (signal.SIG_IGN, None)]
    for signum in held:
        signal.signal(signum, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        for signum in held:
            signal.signal(signum, previous[signum])
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)


def run_step(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, cwd=ROOT, env=env, preexec_fn=tied_to_this_process())
    if result.returncode:
        raise SystemExit(f"error: '{' '.join(map(str, args))}' failed with exit code {result.returncode}")


def cors_arguments(env: dict[str, str]) -> list[str]:
    """Rasa's --cors for the origins in CORS_ORIGINS (space-separated); none by default: the web chat
    page is served by Rasa itself, so it needs no cross-origin access."""
    origins = envconfig.getenv("CORS_ORIGINS", env=env).split()
    return ["--cors", *origins] if origins else []


def migrate_database(env: dict[str, str]) -> None:
    """The application database brought to the current schema, once, before any server starts."""
    run_step([str(ACTIONS_PYTHON), "-m", "appdb", "migrate"], env)


def ensure_index(env: dict[str, str]) -> None:
    # Built with the fastest engine whatever the served one: both give the same vectors.
    run_step([str(ACTIONS_PYTHON), "-m", "knowledge_base", "build", "--if-changed"], {**env, "KB_E5_ENGINE": "auto"})


def ensure_model(models_dir: Path, env: dict[str, str]) -> Path:
    """The trained model for the current training data; trains only when that data changed.
    Processes that need it at once (two test runs, `make run` beside `make test`) train it once:
    the others wait on the lock, then find it."""
    model = models_dir / f"{training_fingerprint()}.tar.gz"
    models_dir.mkdir(parents=True, exist_ok=True)
    with open(models_dir / ".train.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not model.exists():
            print(f"training the Rasa model (about a minute) -> {model.relative_to(ROOT)}", flush=True)
            run_step([str(RASA_PYTHON), str(ROOT / "scripts" / "rasa_cli.py"), "train", "--config", "config.yml",
                      "--domain", "bot/domain", "--data", "bot/data", "--out", str(models_dir),
                      "--fixed-model-name", model.name[:-7]], env)
    return model


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status
    except OSError:
        return 0


class PortInUse(RuntimeError):
    """A port the stack needs is taken, typically by a server left from an earlier run."""


def _listening_socket_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            # local address "0100007F:1F90", state 0A = LISTEN, inode in the tenth column
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def port_holders(port: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes listening on a TCP port, from /proc (Linux);
    only the processes this user may inspect."""
    sockets = {f"socket:[{inode}]" for inode in _listening_socket_inodes(port)}
    holders = []
    if sockets:
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                if any(os.readlink(fd) in sockets for fd in (proc / "fd").iterdir()):
                    command = (proc / "cmdline").read_bytes().rstrip(b"\0").replace(b"\0", b" ")
                    holders.append((int(proc.name), command.decode(errors="replace")))
            except OSError:                               # gone meanwhile, or another user's
                continue
    return sorted(holders)


def port_is_free(port: int) -> bool:
    """Whether a server could listen on the port on all addresses, as ours do."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the servers: TIME_WAIT is no obstacle
        try:
            probe.bind(("0.0.0.0", port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def check_port(port: int, setting: str) -> None:
    """Raise PortInUse, naming the process that holds the port, if the port is taken."""
    if port_is_free(port):
        return
    holders = port_holders(port)
    if holders:
        who = "; ".join(f"pid {pid}: {command[:300]}" for pid, command in holders)
        hint = f"stop it (kill {' '.join(str(pid) for pid, _ in holders)})"
    else:
        who = f"a process this user cannot see (`ss -ltnp 'sport = :{port}'` as root shows it)"
        hint = "stop it"
    raise PortInUse(f"port {port} ({setting}) is already in use by {who}. If it is a server left "
                    f"running by an earlier `make run`, {hint}; or set {setting} to another port")


def _exit_status(process: subprocess.Popen) -> int | None:
    """The child's exit code once it has exited, else None; without reaping it, so that its
    process id, which is also its process group's id, cannot be reused meanwhile."""
    if process.returncode is not None:
        return process.returncode
    try:
        info = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:                             # already reaped elsewhere
        return process.poll()
    if info is None:
        return None
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


@dataclass
class Stack:
    """The action server, the Rasa server and the notification worker, as child processes; with
    `workspace`, the staff workspace too."""

    var_dir: Path
    models_dir: Path = ROOT / "models"
    log_dir: Path | None = None            # None: children write to this terminal
    overrides: dict[str, str] = field(default_factory=dict)
    workspace: bool = False                 # make run: also the staff workspace (workspace/, WORKSPACE_PORT)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.env = settings_env(self.var_dir, self.overrides)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def tracker_db(self) -> Path:
        return Path(self.env["RASA_TRACKER_DB"])

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.env['ACTIONS_PORT']}"

    @property
    def workspace_url(self) -> str:
        return f"http://127.0.0.1:{self.env['WORKSPACE_PORT']}"

    @property
    def servers(self) -> tuple[str, ...]:
        return ("actions", "rasa", "workspace") if self.workspace else ("actions", "rasa")

    def _spawn(self, name: str, args: list[str]) -> None:
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{name}.log", "ab")
        # A session of its own: a terminal's Ctrl-C goes to the supervisor only, which stops the
        # servers in order (stop); tied to the supervisor, they also end if it is killed.
        self.processes[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT if output else None,
            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=tied_to_this_process(),
        )
        if output is not None:
            output.close()                                # the child has its own copy

    def check_ports(self) -> None:
        """Fail early, naming the holder, if a port is taken (e.g. by a server of an earlier run)."""
        for setting in ("RASA_PORT", "ACTIONS_PORT", *(("WORKSPACE_PORT",) if self.workspace else ())):
            check_port(int(self.env[setting]), setting)

    def start(self, timeout: float = 180.0) -> None:
        self.check_ports()
        migrate_database(self.env)
        ensure_index(self.env)
        model = ensure_model(self.models_dir, self.env)
        self.start_actions()
        self._spawn("rasa", [str(RASA_PYTHON), str(ROOT / "scripts" / "rasa_cli.py"), "run", "--model", str(model),
                             "--port", self.env["RASA_PORT"], "--credentials", "bot/credentials.yml",
                             "--endpoints", "bot/endpoints.yml", *cors_arguments(self.env)])
        if self.workspace:
            self._spawn("workspace", [str(ACTIONS_PYTHON), "-m", "workspace", "serve"])
        self.wait_ready(timeout, self.servers)
        self.start_worker()

    def start_worker(self) -> None:
        """The notification worker (notifications/worker.py): it delivers through Rasa's channels."""
        self._spawn("notifier", [str(ACTIONS_PYTHON), "-m", "notifications", "worker"])

    def start_actions(self) -> None:
        """The action server (again, after it stopped: Rasa keeps running meanwhile)."""
        self._spawn("actions", [str(ACTIONS_PYTHON), str(ROOT / "scripts" / "action_server.py")])

    def wait_ready(self, timeout: float, names: tuple[str, ...] = ("actions", "rasa")) -> None:
        deadline = time.monotonic() + timeout
        urls = {"actions": f"{self.actions_url}/health", "rasa": f"{self.rasa_url}/",
                "workspace": f"{self.workspace_url}/login"}
        pending = {name: urls[name] for name in names}
        while pending:
            for name, url in list(pending.items()):
                if _exit_status(self.processes[name]) is not None:
                    self.stop()
                    raise RuntimeError(f"the {name} server exited during start-up (see its log)")
                if _get(url) == 200:
                    del pending[name]
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"not ready after {timeout:.0f}s: {', '.join(pending)}")
            time.sleep(0.5)

    def stop(self, grace: float = 10.0) -> None:
        """Stop both servers: TERM to each one's process group, KILL to what is left of it.

        Idempotent, and signals arriving meanwhile (a second Ctrl-C, a TERM to the whole
        process group) are held until every server is gone (signals_held)."""
        with signals_held():
            for process in self.processes.values():
                if _exit_status(process) is None:
                    self._signal_group(process, signal.SIGTERM)
            deadline = time.monotonic() + grace
            for name, process in list(self.processes.items()):
                while _exit_status(process) is None and time.monotonic() < deadline:
                    time.sleep(0.05)
                # The leader has exited (not yet reaped, so the group id is still ours) or
                # overstayed the grace period: KILL whatever is left of its group, then reap.
                self._signal_group(process, signal.SIGKILL)
                process.wait()
                del self.processes[name]

    @staticmethod
    def _signal_group(process: subprocess.Popen, signum: int) -> None:
        if process.returncode is not None:                # reaped: its id may belong to another process now
            return
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:                        # the group has no process left
            pass

    def wait(self) -> int:
        """Block until a child exits; return its exit code."""
        while True:
            for name, process in self.processes.items():
                code = _exit_status(process)
                if code is not None:
                    print(f"the {name} server stopped (exit code {code})", file=sys.stderr)
                    return code
            time.sleep(0.5)


if __name__ == "__main__":      # `python scripts/stack.py train`: the Rasa model only (make test, during set-up)
    if sys.argv[1:] != ["train"]:
        raise SystemExit("usage: python scripts/stack.py train")
    ensure_model(ROOT / "models", {**os.environ, **QUIET, "PYTHONPATH": str(ROOT)})
