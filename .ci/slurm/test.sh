#!/usr/bin/env bash
# The sweep on a real SLURM: a single-node slurmctld + slurmd (Debian's slurm-wlm and munge)
# from .ci/slurm/slurm.conf.in, a 24-case sweep of the small site submitted as a 4-task job
# array, collected, and checked equal, case by case, to a local run of the same sweep.
# Needs root (it installs packages and starts daemons); otherwise it says it is skipped and
# why. It stops the daemons it started, by their pid files, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-${CARGO_TARGET_DIR:-/var/tmp/vppsim-target}/release/vppsim}

if [ "$(id -u)" != 0 ]; then
  echo "slurm test: SKIPPED: it needs root to install slurm-wlm and munge and to start slurmctld and slurmd (run make test as root, as CI does)"
  exit 0
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm test: installing slurm-wlm (with munge)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm >/dev/null
fi

DIR=$(mktemp -d /tmp/vppsim-slurm.XXXXXX)
started_munge=""
stop() {
  for pidfile in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" $started_munge; do
    if [ -s "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  sleep 1
  for pidfile in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" $started_munge; do
    if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  rm -rf "$DIR" $started_munge
}
trap stop EXIT

# munge: its directories must exist and belong to the munge user.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  mkdir -p /run/munge
  chown -R munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
  su -s /bin/sh munge -c "/usr/sbin/munged --pid-file=/run/munge/vppsim-ci-munged.pid"
  started_munge=/run/munge/vppsim-ci-munged.pid
  for _ in $(seq 20); do munge -n | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
fi

HOST=$(hostname -s)
mkdir -p "$DIR/spool" "$DIR/state"
sed -e "s|@HOST@|$HOST|g" -e "s|@CPUS@|$(nproc)|g" -e "s|@DIR@|$DIR|g" \
  .ci/slurm/slurm.conf.in > "$DIR/slurm.conf"
export SLURM_CONF="$DIR/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for i in $(seq 60); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  [ "$state" = "idle" ] && break
  [ "$i" = 60 ] && { echo "slurm test: FAILED: the node did not become idle (state '$state')"; cat "$DIR"/*.log; exit 1; }
  sleep 1
done

SWEEP=.ci/slurm/small-sweep.toml
"$BIN" sweep "$SWEEP" --out "$DIR/local" --no-report --jobs 2 >/dev/null
"$BIN" sweep "$SWEEP" --out "$DIR/cluster" --slurm --shards 4 --time 0:10:00
# --wait: sbatch returns when every task of the array has ended (non-zero if one failed).
timeout 600 sbatch --wait "$DIR/cluster/sweep.sbatch"
shards=$(find "$DIR/cluster" -maxdepth 1 -name 'shard-*-of-4' | wc -l)
[ "$shards" = 4 ] || { echo "slurm test: FAILED: $shards of 4 shard folders"; exit 1; }
"$BIN" sweep collect "$DIR/cluster" --no-report
rows=$(($(wc -l < "$DIR/local/sweep.csv") - 1))
[ "$rows" -ge 20 ] || { echo "slurm test: FAILED: $rows cases"; exit 1; }
if cmp -s "$DIR/local/sweep.csv" "$DIR/cluster/sweep.csv"; then
  echo "slurm test: OK: $rows cases run as a 4-task SLURM array equal the local run, case by case"
else
  echo "slurm test: FAILED: the collected table differs from the local run:"
  diff "$DIR/local/sweep.csv" "$DIR/cluster/sweep.csv" | head -20
  exit 1
fi
