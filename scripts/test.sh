#!/usr/bin/env bash
# Runs the whole test suite, each part in the Python environment it belongs to:
#   .venv-rasa    (3.10): tests/bot (Rasa data, NLU), tests/channels (our connectors), tests/scripts (Rasa patches)
#   .venv-actions (3.11): tests/knowledge_base, tests/actions, tests/conversations (real servers), tests/web (browser),
#                         tests/scripts (the `make run` supervisor)
# Fails if either part fails or runs no test (pytest exit code 5).
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 HF_HUB_OFFLINE=1
status=0
.venv-rasa/bin/python -m pytest -c tests/pytest.ini tests/bot tests/channels tests/scripts/test_rasa_fallback.py "$@" || status=$?
.venv-actions/bin/python -m pytest -c tests/pytest.ini tests/knowledge_base tests/actions tests/conversations tests/web \
    tests/scripts/test_stack.py "$@" || status=$((status ? status : $?))
exit $status
