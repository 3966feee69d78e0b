#!/usr/bin/env bash
# metrics/scrape-bench.sh - echo throughput with and without a Prometheus scrape every 100 ms.
#
#   metrics/scrape-bench.sh [JAR] [ROUNDS]
#
# Runs ../shared/bench/run.sh (BENCH; relative to the repository root) scenario a (echo, 100 connections, 64 B, 1 in flight) against
# `java -jar JAR serve` (1 worker, admin listener on 127.0.0.1:9101), ROUNDS times (default 2)
# alternately: once with nobody scraping, once with a single keep-alive curl fetching /metrics
# ten times a second for the whole run (bounded: it stops after the run or 600 fetches).
# Alternating rounds spreads drift of a shared machine over both sides. Prints run.sh's summary
# lines; compare ops_per_s and server_us_per_op. Environment as run.sh (RUNS, DURATION, WARMUP).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../bench/help.sh
. "$HERE/../bench/help.sh"
JAR=${1:-$HERE/../server/target/jselectors.jar}
ROUNDS=${2:-2}
BENCH=${BENCH:-$HERE/../../shared/bench}
[ -f "$JAR" ] || { echo "$0: no server jar at $JAR (see --help)" >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "$0: ROUNDS must be a positive number, not '$ROUNDS' (see --help)" >&2; exit 2; }
[ -x "$BENCH/run.sh" ] || { echo "$0: no shared bench tools at $BENCH (../shared/bench beside the repository; or set BENCH)" >&2; exit 2; }
JAVA=${JAVA:-java}
ADMIN=127.0.0.1:9101
PORT=9000
CMD="$JAVA -jar $JAR serve --listen echo=127.0.0.1:$PORT --workers 1 --idle-timeout 0 --admin $ADMIN"
export RUNS=${RUNS:-3} DURATION=${DURATION:-10} WARMUP=${WARMUP:-5}
FETCHES=$(( (WARMUP + RUNS * (DURATION + 3) + 10) * 10 ))
[ "$FETCHES" -le 600 ] || FETCHES=600

for round in $(seq 1 "$ROUNDS"); do
    LABEL=no-scrape "$BENCH/run.sh" echo "$CMD" "$PORT" a | grep '^summary'
    codes=$(mktemp)
    # One curl process, one keep-alive connection, 10 fetches/s; before the server is up the
    # fetches fail fast and the next one follows 100 ms later.
    timeout $((FETCHES / 10 + 30)) stdbuf -oL curl -s --rate 10/s -o /dev/null -w '%{http_code}\n' \
        "http://$ADMIN/metrics?n=[1-$FETCHES]" > "$codes" 2>/dev/null &
    scraper=$!
    LABEL=scrape-100ms "$BENCH/run.sh" echo "$CMD" "$PORT" a | grep '^summary'
    kill "$scraper" 2>/dev/null || true
    wait "$scraper" 2>/dev/null || true
    echo "scrapes answered 200: $(grep -c '^200' "$codes" || true)"
    rm -f "$codes"
done
