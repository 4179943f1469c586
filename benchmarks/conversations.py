"""The conversation suite's shares: scenarios fully right, partly right and failed, for the
tuned part and the held-out fifth (tests/conversations/scenarios/*.yml, `held_out: true`).

    .venv-actions/bin/python benchmarks/conversations.py [--group follow_ups] [--show-held-out]
    .venv-actions/bin/python benchmarks/conversations.py --rasa-url http://127.0.0.1:5005 \\
        --tracker-db var/tracker.db          # against a stack that is already running

Without --rasa-url it trains (if needed) and starts the stack on its own ports with the full
index (var/test-index), as the test does. Prints the shares per part and per group, then what
went wrong in the tuned part's scenarios (the held-out part's only with --show-held-out).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import Conversation  # noqa: E402
from tests.conversations.suite import Names, TrackerFile, load_scenarios, play, report  # noqa: E402


def run(rasa_url: str, tracker_db: str, group: str | None, show_held_out: bool) -> str:
    scenarios = [s for s in load_scenarios() if group is None or s.group == group]
    conversation = Conversation(rasa_url)
    tracker, names = TrackerFile(tracker_db), Names()
    started = time.monotonic()
    results = []
    for scenario in scenarios:
        conversation.sender = f"suite-{scenario.id}-{uuid.uuid4().hex[:6]}"
        results.append(play(scenario, conversation.sender, lambda _sender, text: conversation.say(text),
                            tracker, names))
    turns = sum(len(s.turns) for s in scenarios)
    return report(results, show_held_out) + f"\n{len(scenarios)} scenarios, {turns} turns in " \
                                             f"{time.monotonic() - started:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa-url")
    parser.add_argument("--tracker-db", help="the running Rasa's RASA_TRACKER_DB (with --rasa-url)")
    parser.add_argument("--group")
    parser.add_argument("--show-held-out", action="store_true")
    args = parser.parse_args()
    if args.rasa_url:
        print(run(args.rasa_url, args.tracker_db or str(ROOT / "var" / "tracker.db"), args.group,
                  args.show_held_out))
        return
    from scripts.stack import Stack

    with tempfile.TemporaryDirectory() as var_dir:
        stack = Stack(var_dir=Path(var_dir), log_dir=Path(var_dir) / "logs",
                      overrides={"RASA_PORT": os.environ.get("TEST_RASA_PORT", "15005"),
                                 "ACTIONS_PORT": os.environ.get("TEST_ACTIONS_PORT", "15055"),
                                 "KB_INDEX_DIR": str(ROOT / "var" / "test-index")})
        stack.start()
        try:
            print(run(stack.rasa_url, stack.env["RASA_TRACKER_DB"], args.group, args.show_held_out))
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
