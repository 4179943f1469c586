"""`make run`: build what changed, start both servers and the notification worker, print the web chat
address; Ctrl-C stops all.

Stopping: the first Ctrl-C (SIGINT), TERM or HUP ends the wait and stops the servers
(Stack.stop: TERM, then KILL after the grace period); more of them while it stops (a second
Ctrl-C, or a TERM sent to the whole process group by `kill -- -PGID` or make) change nothing.
The servers are tied to this process: they also end if it is killed (scripts/stack.py).
Usage: .venv-actions/bin/python scripts/run.py [--var-dir DIR]
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from envconfig import SettingsError, load_dotenv, var_dir  # noqa: E402
from scripts.stack import ACTIONS_PYTHON, ROOT, PortInUse, Stack, run_step  # noqa: E402


PURGE_EVERY = 24 * 3600      # seconds between two runs of the retention job (README, "Personal data")


def start_daily_purge(env: dict[str, str]) -> threading.Thread:
    """The retention job (`python -m appdb purge`) now and then once a day, while the servers run."""
    def loop() -> None:
        while True:
            result = subprocess.run([str(ACTIONS_PYTHON), "-m", "appdb", "purge"], cwd=ROOT, env=env,
                                    capture_output=True, text=True)
            print(f"retention job: {(result.stdout or result.stderr).strip()}", flush=True)
            time.sleep(PURGE_EVERY)

    thread = threading.Thread(target=loop, name="retention", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", type=Path, default=None,
                        help="where the conversations, the application database and the index are kept "
                             "unless RASA_TRACKER_DB, DATABASE_URL or KB_INDEX_DIR say otherwise (default: VAR_DIR or var/)")
    args = parser.parse_args(argv)
    load_dotenv()
    os.umask(0o077)           # the databases, the index and the channel state: this user's only
    try:
        stack = Stack(var_dir=args.var_dir or var_dir(), workspace=True)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    stopping = False

    def stop(signum, frame):  # Ctrl-C in a terminal, or `kill` when started in the background
        nonlocal stopping
        if stopping:          # already stopping: the stop finishes on its own, within its grace period
            return
        stopping = True
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # kept ignored: `nohup`, `&` in a script
            signal.signal(signum, stop)
    try:
        stack.check_ports()   # before anything else: a server left from an earlier run is named at once
        # First start only (empty dossier table): fictitious dossiers to try "tra cứu hồ sơ" with.
        run_step([str(ACTIONS_PYTHON), "-m", "dossiers", "seed-demo", "--if-empty"], stack.env)
        stack.start()
        start_daily_purge(stack.env)
        print(f"\nThe assistant is running.\n  Web chat:  http://localhost:{stack.env['RASA_PORT']}/webhooks/web/chat"
              f"\n  REST API:  {stack.rasa_url}/webhooks/rest/webhook"
              f"\n  Staff workspace: http://localhost:{stack.env['WORKSPACE_PORT']}/  (first administrator: "
              f".venv-actions/bin/python -m workspace create-user NAME --role admin)"
              "\n  Notifications of dossier changes: worker running (python -m notifications summary)"
              "\nPress Ctrl-C to stop.", flush=True)
        return stack.wait()
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    except PortInUse as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except RuntimeError as error:
        print(f"error: {error}; logs are above", file=sys.stderr)
        return 1
    finally:
        stopping = True       # a signal from now on is no reason to interrupt anything
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
