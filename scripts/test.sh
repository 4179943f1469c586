#!/usr/bin/env bash
# Runs the whole test suite, each part in the Python environment it belongs to:
#   .venv-rasa    (3.10): tests/bot (Rasa data, NLU), tests/channels (our connectors), tests/scripts (Rasa patches)
#   .venv-actions (3.11): the architecture and settings checks, tests/knowledge_base, tests/appdb, tests/dossiers,
#                         tests/actions, tests/conversations (real servers), tests/web (browser), tests/scripts (`make run`)
# Fails if either part fails or runs no test (pytest exit code 5). Ends with where the time went.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 HF_HUB_OFFLINE=1
status=0 timings=()

part() {  # part NAME PYTHON PYTEST-ARGS…
  local name=$1 python=$2 start=$SECONDS code=0
  shift 2
  "$python" -m pytest -c tests/pytest.ini --durations=5 "$@" || code=$?
  timings+=("$(printf '%-34s %4ds  exit %d' "$name" $((SECONDS - start)) "$code")")
  status=$((status ? status : code))
}

part "Rasa environment (3.10)" .venv-rasa/bin/python tests/bot tests/channels tests/scripts/test_rasa_fallback.py "$@"
part "action server environment (3.11)" .venv-actions/bin/python tests/test_architecture.py tests/test_settings.py \
    tests/knowledge_base tests/appdb tests/dossiers tests/actions tests/conversations tests/web tests/scripts/test_stack.py "$@"
echo "--- time per part (make test) ---"
printf '%s\n' "${timings[@]}"
exit $status
