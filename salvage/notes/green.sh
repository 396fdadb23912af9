#!/usr/bin/env bash
# Runs .ci/run on the committed HEAD of the current worktree; records /var/tmp/green/<sha>.ok on success.
set -uo pipefail
cd "$(git rev-parse --show-toplevel)"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then echo "green.sh: commit first (tracked changes present)"; exit 2; fi
sha=$(git rev-parse HEAD)
: "${CARGO_TARGET_DIR:?set CARGO_TARGET_DIR to your own target dir}"
mkdir -p /var/tmp/green
log=/var/tmp/green/$sha.log
echo "green.sh: running .ci/run on $sha (log $log)"
if CARGO_INCREMENTAL=0 SB_KEEP_TEST_SCHEMAS=1 bash .ci/run > "$log" 2>&1; then
  if [ "$(git rev-parse HEAD)" = "$sha" ]; then touch /var/tmp/green/$sha.ok; tail -5 "$log"; echo "GREEN $sha"; exit 0; fi
  echo "green.sh: HEAD moved during the run"; exit 3
else
  tail -60 "$log"; grep -E '^(test .* FAILED|failures:|---- )' "$log" | head -40; echo "RED $sha"; exit 1
fi
