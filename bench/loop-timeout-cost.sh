#!/usr/bin/env bash
# bench/loop-timeout-cost.sh - what a timeout on a sleeping epoll_wait costs on this machine, apart
# from any server: bench/src/main/c/epoll_timeout_cost.c (two threads on one CPU passing a token
# through eventfds, each blocking in epoll_wait) with no timeout and with a 75 s one (the idle
# sweep's period), alternately, PAIRS times. Prints each pair's CPU per round trip (two sleeps) and
# the difference; the median difference / 2 is the cost per sleep.
#   PAIRS (8), ROUNDS (150000), CPU (0), TIMEOUT_MS (75000)
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/install-bench-tools.sh"   # gcc among them: idempotent
PAIRS=${PAIRS:-8} ROUNDS=${ROUNDS:-150000} CPU=${CPU:-0} TIMEOUT_MS=${TIMEOUT_MS:-75000}
BIN=$(mktemp /tmp/epoll_timeout_cost.XXXXXX)
trap 'rm -f "$BIN"' EXIT
gcc -O2 -pthread -o "$BIN" "$ROOT/bench/src/main/c/epoll_timeout_cost.c"
ns() { taskset -c "$CPU" "$BIN" "$1" "$ROUNDS" | sed 's/.*cpu_ns_per_round_trip=//'; }
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
diffs=()
for _ in $(seq "$PAIRS"); do
    a=$(ns -1); b=$(ns "$TIMEOUT_MS")
    echo "endless=$a timeout=$b diff=$((b - a))"
    diffs+=($((b - a)))
done
printf '%s\n' "${diffs[@]}" | sort -n | awk '{ d[NR] = $1 } END {
    m = NR % 2 ? d[(NR + 1) / 2] : (d[NR / 2] + d[NR / 2 + 1]) / 2
    printf "median_diff_ns_per_round_trip=%.0f per_sleep_ns=%.0f\n", m, m / 2 }'
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
