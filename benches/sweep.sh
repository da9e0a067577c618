#!/usr/bin/env bash
# Sweep bench: a 40-case sweep of the park week (benches/park-sweep-40.toml) run with
# --jobs 1 (each case alone: the sum of single-case times) and --jobs 2, fresh each time.
# Prints the wall times, the ratio wall(2 jobs) / (sum of single-case times / 2) (the target
# is ≤ 1.3), peak memory of each run, and the per-case overhead (resolve, write) against
# the solve, from the cases' case.json. Usage: bash benches/sweep.sh [vppsim binary]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${CARGO_TARGET_DIR:-/var/tmp/vppsim-target}/release/vppsim}
DIR=$(mktemp -d /tmp/vppsim-sweep-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
echo "load before: $(uptime)"
for jobs in 1 2; do
  /usr/bin/time -f "%e %M" -o "$DIR/time-$jobs" \
    "$BIN" sweep benches/park-sweep-40.toml --out "$DIR/out-$jobs" --jobs "$jobs" --no-report >/dev/null 2>&1
done
echo "load after: $(uptime)"
python3 - "$DIR" <<'PY'
import json, pathlib, sys
d = pathlib.Path(sys.argv[1])
def cases(jobs):
    return [json.loads(p.read_text()) for p in (d / f"out-{jobs}" / "cases").glob("*/case.json")]
def wall(jobs):
    w, rss = (d / f"time-{jobs}").read_text().split()
    return float(w), int(rss) / 1024
alone = cases(1)
total = lambda c: c["seconds"]["resolve"] + c["seconds"]["simulate"] + c["seconds"]["write"]
s1 = sum(total(c) for c in alone)
(w1, m1), (w2, m2) = wall(1), wall(2)
print(f"cases: {len(alone)} (jobs 1), {len(cases(2))} (jobs 2)")
print(f"sum of single-case times: {s1:.2f} s; wall --jobs 1: {w1:.2f} s, --jobs 2: {w2:.2f} s")
print(f"wall(--jobs 2) / (sum / 2) = {w2 / (s1 / 2):.3f}  (target <= 1.3)")
print(f"peak memory: --jobs 1 {m1:.0f} MB, --jobs 2 {m2:.0f} MB")
for part in ["resolve", "simulate", "write"]:
    v = [c["seconds"][part] for c in alone]
    print(f"per case {part}: mean {1000 * sum(v) / len(v):.1f} ms, max {1000 * max(v):.1f} ms")
o = sum(c["seconds"]["resolve"] + c["seconds"]["write"] for c in alone) / sum(c["seconds"]["simulate"] for c in alone)
print(f"overhead (resolve + write) / simulate = {100 * o:.1f} %; sweep start-up (resolve all cases, outside the case times): wall(--jobs 1) - sum = {w1 - s1:.2f} s")
PY
