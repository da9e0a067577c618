#!/usr/bin/env bash
# Load bench: how much slower vppsim runs when every core it may use is shared with a busy
# process. For each scenario it times `vppsim run --no-plots` on the machine as it is
# ("quiet"), then again with N CPU-spinning competitors (N = the cores this shell may use,
# `nproc`, which follows affinity and cgroup quota), alternately, and prints the wall times,
# the objective of each run (they must agree) and the slowdown ratio loaded / quiet, all
# measured in one invocation. The machine's load average (`uptime`) is printed before each
# pair, since "quiet" is only as quiet as the machine.
#
# Usage: benches/load.sh [-r RUNS] [-n COMPETITORS] [-t TIMEOUT_S] [SCENARIO...] [-- VPPSIM_RUN_ARGS...]
#   defaults: 1 run each, N = nproc, timeout 900 s per run,
#   scenarios/xining-park-week.toml scenarios/xining-park.toml.
#   Arguments after `--` go to every `vppsim run` (e.g. `-- --threads 1`).
# The binary is $VPPSIM, else $CARGO_TARGET_DIR/release/vppsim (else target/...), built
# with `cargo build --release` first unless $VPPSIM is set.
# A run that exceeds the timeout is reported as "> TIMEOUT" and its ratio as a lower bound.
# Exit code: 0, or 1 when a run failed or two runs of a scenario disagree on the objective.

set -euo pipefail
cd "$(dirname "$0")/.."

runs=1
competitors=$(nproc)
timeout_s=900
scenarios=()
extra=()
while (($#)); do
    case $1 in
        -r) runs=$2; shift 2 ;;
        -n) competitors=$2; shift 2 ;;
        -t) timeout_s=$2; shift 2 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) scenarios+=("$1"); shift ;;
    esac
done
((${#scenarios[@]})) || scenarios=(scenarios/xining-park-week.toml scenarios/xining-park.toml)

if [[ -z ${VPPSIM:-} ]]; then
    cargo build --release --quiet
    VPPSIM=${CARGO_TARGET_DIR:-target}/release/vppsim
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/vppsim-load.XXXXXX")
spinners=()
stop_spinners() {
    for pid in "${spinners[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${spinners[@]}"; do wait "$pid" 2>/dev/null || true; done
    spinners=()
}
cleanup() { stop_spinners; rm -rf "$out"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

start_spinners() {
    for ((i = 0; i < competitors; i++)); do
        bash -c 'while :; do :; done' &
        spinners+=($!)
    done
    sleep 0.5 # let the spinners reach the run queue
}

# Runs one scenario once; sets `seconds` (wall, or "" on timeout), `cpu` (user + system
# seconds) and `objective`.
run_once() {
    local scenario=$1 tag=$2 status=0
    /usr/bin/time -f "%e %U %S" -o "$out/$tag.time" \
        timeout "$timeout_s" "$VPPSIM" run "$scenario" --no-plots --force --out "$out/$tag" \
        "${extra[@]}" >"$out/$tag.log" 2>&1 || status=$?
    objective=$(awk '$1 == "objective" { print $2 }' "$out/$tag.log")
    read -r seconds user system < <(tail -n 1 "$out/$tag.time")
    cpu=$(echo "$user + $system" | bc -l)
    if ((status == 124)); then
        seconds=""
    elif ((status != 0)); then
        echo "vppsim failed on $scenario ($tag), exit $status:" >&2
        cat "$out/$tag.log" >&2
        exit 1
    fi
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "vppsim load bench: $(nproc) cores usable, $competitors competitors, $runs run(s) each, extra args: ${extra[*]:-(none)}"
echo "binary: $VPPSIM"
status=0
summary=()
for scenario in "${scenarios[@]}"; do
    quiet=() loaded=() objectives=()
    for ((r = 0; r < runs; r++)); do
        echo "load before the quiet run: $(uptime | sed 's/.*load average/load average/')"
        run_once "$scenario" quiet
        quiet+=("${seconds:-inf}") objectives+=("$objective") quiet_cpu=$cpu
        start_spinners
        echo "load with the competitors: $(uptime | sed 's/.*load average/load average/')"
        run_once "$scenario" loaded
        stop_spinners
        loaded+=("${seconds:-inf}") objectives+=("$objective")
        printf '  %s run %d: quiet %s s (cpu %s s), loaded %s s (cpu %s s), objectives %s / %s\n' \
            "$scenario" $((r + 1)) "${quiet[-1]}" "$quiet_cpu" "${loaded[-1]}" "$cpu" \
            "${objectives[-2]}" "${objectives[-1]}"
    done
    if (($(printf '%s\n' "${objectives[@]}" | grep -v '^$' | sort -u | wc -l) > 1)); then
        echo "  objectives differ between runs of $scenario" >&2
        status=1
    fi
    q=$(median "${quiet[@]}") l=$(median "${loaded[@]}")
    if [[ $l == inf ]]; then
        ratio="> $(echo "$timeout_s / $q" | bc -l | xargs printf '%.1f')"
        l="> $timeout_s"
    else
        ratio=$(echo "$l / $q" | bc -l | xargs printf '%.2f')
    fi
    summary+=("$(printf '%-36s quiet %8.2f s  loaded %10s s  slowdown %s×' "$scenario" "$q" "$l" "$ratio")")
done
echo
echo "median over $runs run(s), $competitors busy competitors on $(nproc) cores:"
printf '%s\n' "${summary[@]}"
exit $status
