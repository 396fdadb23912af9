#!/usr/bin/env bash
# Property-based fuzzing of the HTTP API with Schemathesis (PyPI, pinned)
# against the OpenAPI document the server itself serves, on a throwaway
# instance per backend: SQLite in a temporary directory, and PostgreSQL in a
# fresh database of the local server. Customer operations run with a customer
# identity token, the rest with an admin session (signed in with the second
# factor, as the product requires of admins). Bounded in time: FUZZ_SECS per
# run (default 40; four runs). Fails on any server error or any answer the
# document does not describe (status, content type, headers, body schema),
# and on invalid input accepted with a 2xx.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS=4.32.5
SECS="${FUZZ_SECS:-40}"
PG_SERVER="${FUZZ_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
export CARGO_TERM_COLOR=never

if [ "$(st --version 2>/dev/null || true)" != "st, version $SCHEMATHESIS" ]; then
  echo "installing schemathesis $SCHEMATHESIS (API fuzzer)…" >&2
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS"
fi

# SWITCHBOARD_BIN: a binary already built (CI builds it with the tests).
BIN="${SWITCHBOARD_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --quiet --bin switchboard
  BIN="${CARGO_TARGET_DIR:-target}/debug/switchboard"
fi

work=$(mktemp -d)
server_pid=""
pg_db=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql "$PG_SERVER/postgres" -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export SWITCHBOARD__IDENTITY__SECRET="fuzz-identity-secret-$RANDOM$RANDOM$RANDOM"
export SWITCHBOARD__SERVER__LISTEN=127.0.0.1:0
export RUST_LOG=warn
# Endpoints the fuzzer registers are never called: no traffic leaves the machine.
export SWITCHBOARD__WEBHOOKS__RUN_WORKER=false

# Starts the service on a database URL (empty: SQLite in the data dir) and
# sets $base once it answers its health check.
start() {
  local dir="$work/$1"
  mkdir -p "$dir"
  SWITCHBOARD__STORAGE__DATA_DIR="$dir/data" SWITCHBOARD__DATABASE__URL="$2" \
    "$BIN" serve >"$dir/out.log" 2>&1 &
  server_pid=$!
  base=""
  # The service prints its address once the listener is bound (port 0).
  while [ -z "$base" ]; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/out.log"; echo "the service did not start" >&2; exit 1; }
    base=$(sed -n 's/^Switchboard is listening on \(http[^ ]*\)$/\1/p' "$dir/out.log" | head -n1)
    [ -n "$base" ] || sleep 0.1
  done
  curl -sf --retry 50 --retry-connrefused --retry-delay 0 "$base/healthz" >/dev/null
}

stop() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# An admin session: the password, then (required for admins) enrolment of a
# TOTP factor with a code computed like an authenticator app, then a sign-in
# with one of the recovery codes it gave.
admin_session() {
  local restricted secret code recovery
  restricted=$(curl -sf "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"login":"admin","password":"admin-demo"}' | json_field '["token"]')
  secret=$(curl -sf -X POST "$base/api/v1/auth/totp" -H "Authorization: Bearer $restricted" \
    -H 'content-type: application/json' -d '{}' | json_field '["secret"]')
  code=$(python3 - "$secret" <<'EOF'
import base64, hashlib, hmac, struct, sys, time
key = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = digest[19] & 0x0F
print("%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000))
EOF
)
  recovery=$(curl -sf "$base/api/v1/auth/totp/confirm" -H "Authorization: Bearer $restricted" \
    -H 'content-type: application/json' -d "{\"code\":\"$code\"}" | json_field '["recovery_codes"][0]')
  curl -sf "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"login\":\"admin\",\"password\":\"admin-demo\",\"code\":\"$recovery\"}" | json_field '["token"]'
}

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection

# One schemathesis run; its summary line goes to $work/summary.
run() {
  local label=$1; shift
  echo "== schemathesis: $label"
  local start=$SECONDS
  # From the temporary directory: schemathesis keeps a cache where it runs.
  (cd "$work" && st run "$base/api/openapi.json" --checks "$CHECKS" --max-time "$SECS" --no-color \
    --generation-database none --seed "${FUZZ_SEED:-$RANDOM}" \
    --report junit --report-junit-path "$work/$label.xml" "$@") | tee "$work/$label.log" \
    || { echo "--- server log"; tail -n 40 "$work/${label%%-*}/out.log"; return 1; }
  echo "$label: $(grep -Eo '[0-9]+ generated.*' "$work/$label.log" | head -n1) \
$(python3 - "$work/$label.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
print("operations=%d" % sum(int(s.get("tests", 0)) for s in suites))
EOF
) in $((SECONDS - start))s" >>"$work/summary"
}

# One backend: the customer's operations, then the staff's.
fuzz() {
  local name=$1 url=$2
  start "$name" "$url"
  local customer admin
  customer=$(SWITCHBOARD__STORAGE__DATA_DIR="$work/$name/data" SWITCHBOARD__DATABASE__URL="$url" \
    "$BIN" token buyer-1001 --ttl-secs 3600)
  admin=$(admin_session)
  # Real ticket numbers, codes and ids for half of the generated values
  # (schemathesis reads the file from the directory it runs in).
  python3 scripts/fuzz-data.py "$base" "$customer" "$admin" "$work/schemathesis.toml"
  run "$name-customer" --include-path-regex '^/api/v1/(customer/|catalog|help/)' \
    -H "Authorization: Bearer $customer"
  # Signing out or ending the admin's own sessions would end the run's session.
  run "$name-staff" \
    --exclude-path-regex '^/api/v1/(customer/|auth/logout|staff/\{id\}/(sessions|active|password|totp))' \
    -H "Authorization: Bearer $admin"
  stop
}

fuzz sqlite ""
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_db="sb_fuzz_$$"
  psql "$PG_SERVER/postgres" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $pg_db" >/dev/null
  fuzz postgres "$PG_SERVER/$pg_db"
else
  echo "PostgreSQL is not running here: fuzzed on SQLite only" >&2
  exit 1
fi
echo
cat "$work/summary"
echo "API fuzzing: no server error and no answer outside the document, on SQLite and PostgreSQL"
