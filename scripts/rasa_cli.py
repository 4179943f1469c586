"""The Rasa command line with its dependencies' known harmless warnings silenced, the
check of the action server's replies compiled once (scripts/rasa_speedups.py), and an
answer to the citizen when the action server is unreachable (scripts/rasa_fallback.py).

Sanic adds a "once" filter for DeprecationWarning when it is imported, which overrides
PYTHONWARNINGS; so Sanic is imported first and our filters are put in front of its.
`rasa run` also gets Rasa's HTTP API when RASA_API_TOKEN is set (the stack sets it): the staff
workspace answers handed-off conversations through it; every call needs that token, which is taken
from the environment here so that it never shows in the process list.
Usage: .venv-rasa/bin/python scripts/rasa_cli.py <rasa arguments>
"""
import os
import sys
import warnings

import sanic  # noqa: F401  (its import installs the filter overridden below)

for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
    warnings.filterwarnings("ignore", category=category)
warnings.filterwarnings("ignore", module=r"matplotlib\.")  # pyparsing notices, raised from matplotlib

from rasa.__main__ import main  # noqa: E402

from rasa_fallback import answer_when_action_server_unreachable  # noqa: E402  (this folder is on sys.path)
from rasa_speedups import compile_action_reply_check  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "rasa"
    api_token = os.environ.get("RASA_API_TOKEN", "").strip()
    if sys.argv[1:2] == ["run"] and api_token:
        sys.argv += ["--enable-api", "--auth-token", api_token]
    compile_action_reply_check()
    answer_when_action_server_unreachable()
    sys.exit(main())
