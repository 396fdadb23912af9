#!/usr/bin/env bash
# The browser tests: builds the service, starts it on a free port with a fresh
# SQLite database (and a second origin for the widget's host page), waits for
# it to say where it listens, and runs tests/browser in Debian's Chromium.
# Screenshots land in target/screenshots/. Needs /usr/bin/chromium and
# tests/browser/node_modules (`.ci/run` installs both when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export CARGO_TERM_COLOR=never
cargo build --quiet --bin switchboard
bin="${CARGO_TARGET_DIR:-$root/target}/debug/switchboard"

work=$(mktemp -d)
server_pid=""
sms_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$sms_pid" ]; then kill "$sms_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A real SMTP server (aiosmtpd) receives the confirmations; it prints its port,
# then one JSON line per message, which go to $MAIL_LOG for the tests.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
fi
coproc SMTP { exec python3 crates/channels/tests/smtp_sink.py; }
read -r smtp_port <&"${SMTP[0]}"
export MAIL_LOG="$work/mail.jsonl"
: >"$MAIL_LOG"
# A background job does not inherit the coprocess's descriptors: copy first.
exec 5<&"${SMTP[0]}"
cat <&5 >>"$MAIL_LOG" &

# A local SMS/push gateway (the JSON contract of channels/src/gateway.rs):
# its port first, then one JSON line per message, to $SMS_LOG.
mkfifo "$work/sms"
node tests/browser/lib/sms_sink.mjs >"$work/sms" &
sms_pid=$!
exec 4<"$work/sms"
read -r sms_port <&4
export SMS_LOG="$work/sms.jsonl"
: >"$SMS_LOG"
cat <&4 >>"$SMS_LOG" &
export SWITCHBOARD__SMS__URL="http://127.0.0.1:$sms_port/sms"
export SWITCHBOARD__PUSH__URL="http://127.0.0.1:$sms_port/push"

export SWITCHBOARD__SMTP__HOST=127.0.0.1
export SWITCHBOARD__SMTP__PORT="$smtp_port"
export SWITCHBOARD__SMTP__SECURITY=none
export SWITCHBOARD__SMTP__FROM="Поддержка <help@demo.example>"
export SWITCHBOARD__SERVER__LISTEN=127.0.0.1:0
export SWITCHBOARD__STORAGE__DATA_DIR="$work/data"
# The tests sign staff in with passwords only (the second factor has its own
# API tests).
export SWITCHBOARD__STAFF__SECOND_FACTOR__REQUIRED_FOR_ADMINS=false
export SWITCHBOARD__STAFF__SECOND_FACTOR__REQUIRED_LINES='[]'
# One Telegram bot for the cabinet's messengers page; its API is a closed
# port, so the poller just backs off.
export SWITCHBOARD__TELEGRAM__API_URL=http://127.0.0.1:9
export SWITCHBOARD__TELEGRAM__BOTS='[{name="shop_help_bot",token="100000:browser-test"}]'
export SWITCHBOARD__LOG__FILTER="${SWITCHBOARD__LOG__FILTER:-warn}"

# The server prints its address once it is bound; read it from its output
# (no polling, no sleep). The rest of its output goes to a log.
mkfifo "$work/out"
"$bin" >"$work/out" 2>"$work/server.log" &
server_pid=$!
exec 3<"$work/out"
base=""
while IFS= read -r line <&3; do
  case "$line" in
    *"listening on http://"*) base="http://${line##*http://}"; break ;;
  esac
done
if [ -z "$base" ]; then
  echo "the server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
cat <&3 >>"$work/server.log" &
echo "server at $base"

shots="$root/target/screenshots"
mkdir -p "$shots"
cd tests/browser
status=0
# A file whose browser or socket does not settle must fail, not hang CI: each
# test has ten minutes, the runner exits once the tests are done, and the whole
# pass has a hard limit.
BASE_URL="$base" SHOTS="$shots" timeout --kill-after=30s 30m \
  node --test --test-concurrency=1 --test-force-exit --test-timeout=600000 ${BROWSER_TESTS:-tests/} || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "the browser tests ran past 30 minutes and were stopped" >&2
fi
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 60 lines)" >&2
  tail -n 60 "$work/server.log" >&2
fi
echo "screenshots: $shots"
exit "$status"
