#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test when it is not there yet.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [[ -x "${CHROMIUM_PATH:-/nonexistent}" ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the browser test needs Chromium. Install it (Debian/Ubuntu: 'sudo apt-get install chromium')" >&2
  echo "       or set CHROMIUM_PATH to a Chromium/Chrome binary." >&2
  exit 1
fi
echo "installing Debian's chromium for the browser test"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
