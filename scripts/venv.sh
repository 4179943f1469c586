#!/usr/bin/env bash
# Usage: scripts/venv.sh PYTHON_VERSION VENV_DIR LOCK_FILE
# Creates VENV_DIR with CPython PYTHON_VERSION (from PATH or pyenv) and installs LOCK_FILE.
# Idempotent: does nothing when the venv already holds exactly this lock file.
set -euo pipefail
version=$1 venv=$2 lock=$3
stamp="$venv/.lock.sha256"
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/python" ]]; then
  exit 0
fi

find_python() {
  local candidate
  for candidate in "python$version" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python; do
    if command -v "$candidate" >/dev/null 2>&1 \
       && "$candidate" -c "import sys, venv; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))" 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

if [[ ! -x "$venv/bin/python" ]]; then
  python=$(find_python) || {
    echo "error: CPython $version is needed for $venv but was not found on PATH or under pyenv." >&2
    echo "       Install it (e.g. 'pyenv install $version' or your system's python$version with venv) and retry." >&2
    exit 1
  }
  echo "creating $venv with $python"
  "$python" -m venv "$venv"
fi
echo "installing $lock into $venv (a few minutes the first time)"
"$venv/bin/python" -m pip install --quiet --upgrade "pip==24.2" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
"$venv/bin/python" -m pip install --quiet -r "$lock" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
echo "$want" > "$stamp"
