#!/usr/bin/env bash
# metrics/scrape-interleaved.sh - the scrape cost measured on ONE warm server, slices alternating.
#
#   metrics/scrape-interleaved.sh [JAR] [PAIRS]
#
# run.sh restarts the server per scenario, and on a shared 2-core machine one start can land in a
# slow state for the whole run; comparing slices of one warm server removes that. Starts `java
# -jar JAR serve` (1 worker, admin on 127.0.0.1:9101) pinned to core 0, warms it up for 20 s
# with the load (run.sh's echo_load, scenario a: 100 connections, 64 B, 1 in flight) pinned to
# core 1, then runs PAIRS (default 8) pairs of 5 s slices: no scrape, then a keep-alive curl
# fetching /metrics every 100 ms. Prints each slice and the medians. Stops the server it started.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../bench/help.sh
. "$HERE/../bench/help.sh"
JAR=${1:-$HERE/../server/target/jselectors.jar}
PAIRS=${2:-8}
# The shared tools, beside the repository (../shared/bench from its root).
BENCH=${BENCH:-$HERE/../../shared/bench}
[ -f "$JAR" ] || { echo "$0: no server jar at $JAR (see --help)" >&2; exit 2; }
[[ $PAIRS =~ ^[1-9][0-9]*$ ]] || { echo "$0: PAIRS must be a positive number, not '$PAIRS' (see --help)" >&2; exit 2; }
JAVA=${JAVA:-java}
PORT=9000 ADMIN=127.0.0.1:9101 SLICE=5
LOAD=$BENCH/c/echo_load
[ -x "$LOAD" ] || { LOAD=/tmp/bench-c/echo_load; [ -x "$LOAD" ] || { echo "build $BENCH/c first (run.sh does)" >&2; exit 2; }; }

taskset -c 0 "$JAVA" -jar "$JAR" serve --listen echo=127.0.0.1:$PORT --workers 1 --idle-timeout 0 \
    --admin "$ADMIN" > /tmp/scrape-interleaved.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://$ADMIN/healthz" && break; sleep 0.1; done

load() { timeout $(($1 + 10)) taskset -c 1 "$LOAD" 127.0.0.1 $PORT 100 1 64 "$1" | grep -o 'rtt_per_s=[0-9.]*' | cut -d= -f2; }
# Warm up the echo path and the scrape path.
curl -s -o /dev/null "http://$ADMIN/metrics?n=[1-200]"
load 20 > /dev/null
none=() scraped=()
for i in $(seq 1 "$PAIRS"); do
    none+=("$(load $SLICE)")
    timeout $((SLICE + 5)) curl -s --rate 10/s -o /dev/null "http://$ADMIN/metrics?n=[1-$((SLICE * 10 + 5))]" &
    scraper=$!
    scraped+=("$(load $SLICE)")
    wait $scraper 2>/dev/null || true
    echo "pair $i: none=${none[-1]} scrape=${scraped[-1]}"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mn=$(median "${none[@]}") ms=$(median "${scraped[@]}")
echo "median rtt/s: none=$mn scrape-100ms=$ms change=$(awk -v a="$mn" -v b="$ms" 'BEGIN {printf "%+.1f%%", (b - a) / a * 100}')"
