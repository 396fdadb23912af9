#!/usr/bin/env bash
# Fast-forwards /work/main to the current worktree's HEAD if it contains main and is green.
# If main moved meanwhile, a green HEAD is ACCEPTED for integration instead: the lead merges the accepted
# heads of every branch into one combined check and lands them together (no need to merge main and re-run).
set -euo pipefail
DEADLINE="${LAND_DEADLINE:-$(cat /work/land.deadline 2>/dev/null || echo 23:59)}"
now=$(date -u +%H:%M)
if [[ "$now" > "$DEADLINE" ]]; then echo "land.sh: refused, past the deadline $DEADLINE UTC"; exit 4; fi
cd "$(git rev-parse --show-toplevel)"
sha=$(git rev-parse HEAD)
branch=$(git rev-parse --abbrev-ref HEAD)
exec 9>/var/tmp/land.lock; flock 9
if [ ! -f /var/tmp/green/$sha.ok ]; then echo "land.sh: $sha is not green (run /work/green.sh)"; exit 2; fi
main=$(git -C /work/main rev-parse main)
if ! git merge-base --is-ancestor "$main" "$sha" || [[ "$now" > "$(cat /work/land.cutoff 2>/dev/null || echo 23:59)" ]]; then
  echo "$(date -u +%H:%M) $branch $sha" >> /work/notes/ready.txt
  echo "ACCEPTED $sha for integration: main moved (or it is past the cutoff, when the lead starts the final combined check), so the lead will merge it with the other accepted branches and land them in one combined check. Do NOT merge main and re-run green for this; go on with your next slice (land.sh it the same way when green) or write your report."
  exit 0
fi
git -C /work/main merge --ff-only -q "$sha"
echo "$(date -u +%H:%M) $branch $sha" >> /work/notes/landed.log
echo "LANDED $sha on main"
