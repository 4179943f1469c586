#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with a database `test` (trust auth),
# for the store tests. Uses the machine's server when it runs; otherwise installs (Debian)
# and starts one. Set TEST_POSTGRES_URL to use another server instead.
set -euo pipefail
[[ -n "${TEST_POSTGRES_URL:-}" ]] && exit 0
ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
if ! command -v pg_isready >/dev/null 2>&1 || ! ready; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
      echo "error: the store tests need PostgreSQL on 127.0.0.1:5432 (or TEST_POSTGRES_URL)." >&2
      echo "       Install it (Debian/Ubuntu: 'sudo apt-get install postgresql') and start it." >&2
      exit 1
    fi
    echo "installing Debian's postgresql for the store tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  conf=/etc/postgresql/$version/main
  grep -q "^host all all 127.0.0.1/32 trust" "$conf/pg_hba.conf" \
    || sed -i '1i host all all 127.0.0.1/32 trust\nlocal all all trust' "$conf/pg_hba.conf"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
    || pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  for _ in $(seq 30); do ready && break; sleep 1; done
  ready || { echo "error: PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
fi
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE test"
