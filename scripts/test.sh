#!/usr/bin/env bash
# Runs the whole test suite, each part in the Python environment it belongs to, both at once, while
# the Rasa model trains beside the first tests (the test servers wait for it: one training, under a lock):
#   .venv-rasa    (3.10): tests/bot (Rasa data, NLU), tests/channels (our connectors), tests/scripts (Rasa patches)
#                         -- its servers on TEST_RASA_PORT+1 / TEST_ACTIONS_PORT+1; output shown at the end
#   .venv-actions (3.11): the architecture and settings checks, tests/privacy, tests/knowledge_base, tests/appdb,
#                         tests/dossiers, tests/actions, tests/notifications, tests/conversations (real servers),
#                         tests/web (browser), tests/workspace (the staff workspace on TEST_WORKSPACE_PORT and + 1,
#                         its stack on the Rasa/actions ports + 2), tests/scripts (`make run`)
# The offline tests come first in each part: they run while the model trains.
# Fails if either part fails or runs no test (pytest exit code 5). Ends with where the time went.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 HF_HUB_OFFLINE=1
rasa_port=${TEST_RASA_PORT:-15005} actions_port=${TEST_ACTIONS_PORT:-15055}
mkdir -p test-artifacts
start=$SECONDS
.venv-rasa/bin/python scripts/stack.py train > test-artifacts/train.log 2>&1 &
training=$!

part() {  # part NAME PYTHON PYTEST-ARGS…   (prints "NAME SECONDS EXIT" last)
  local name=$1 python=$2 begin=$SECONDS code=0
  shift 2
  "$python" -m pytest -c tests/pytest.ini -o cache_dir=".pytest_cache/$name" --durations=5 "$@" || code=$?
  printf '%-8s %4ds  exit %d\n' "$name" $((SECONDS - begin)) "$code" > "test-artifacts/$name.time"
  return $code
}

TEST_RASA_PORT=$((rasa_port + 1)) TEST_ACTIONS_PORT=$((actions_port + 1)) \
  part rasa .venv-rasa/bin/python tests/bot tests/channels tests/scripts/test_rasa_fallback.py "$@" \
  > test-artifacts/rasa-part.log 2>&1 &
rasa_part=$!
TEST_RASA_PORT=$rasa_port TEST_ACTIONS_PORT=$actions_port \
  part actions .venv-actions/bin/python tests/test_architecture.py tests/test_settings.py tests/privacy tests/knowledge_base \
    tests/appdb tests/dossiers tests/actions tests/notifications tests/conversations tests/web tests/workspace \
    tests/scripts/test_stack.py "$@"
actions_status=$?
wait $rasa_part
rasa_status=$?
wait $training || echo "training the Rasa model failed: test-artifacts/train.log"

echo "=== the Rasa environment's part (test-artifacts/rasa-part.log) ==="
cat test-artifacts/rasa-part.log
echo "=== time per part (make test; both at once) ==="
cat test-artifacts/rasa.time test-artifacts/actions.time 2>/dev/null
echo "tests    $((SECONDS - start))s in all"
exit $((actions_status ? actions_status : rasa_status))
