#!/usr/bin/env bash
# Switchboard's test command (README): the whole workspace on embedded SQLite.
# Set TEST_DATABASE_URL=postgres://… to run the store and API suites on
# PostgreSQL instead (each test gets a fresh schema on that server).
# The e-mail tests talk to a real SMTP server (Python's aiosmtpd), installed here if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "installing aiosmtpd (SMTP server for the e-mail tests)…" >&2
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
fi

exec cargo test --workspace "$@"
