"""`make run`: build what changed, start both servers, print the web chat address; Ctrl-C stops all."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.stack import ACTIONS_PYTHON, ROOT, Stack, load_dotenv, run_step  # noqa: E402


def main() -> int:
    load_dotenv()
    stack = Stack(var_dir=ROOT / "var")

    def stop(signum, frame):  # Ctrl-C in a terminal, or `kill` when started in the background
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    try:
        # First start only (empty dossier table): fictitious dossiers to try "tra cứu hồ sơ" with.
        run_step([str(ACTIONS_PYTHON), "-m", "actions.dossiers", "seed-demo", "--if-empty"], stack.env)
        stack.start()
        print(f"\nThe assistant is running.\n  Web chat:  http://localhost:{stack.env['RASA_PORT']}/webhooks/web/chat"
              f"\n  REST API:  {stack.rasa_url}/webhooks/rest/webhook\nPress Ctrl-C to stop.", flush=True)
        return stack.wait()
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    except RuntimeError as error:
        print(f"error: {error}; logs are above", file=sys.stderr)
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
