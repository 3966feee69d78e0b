#!/usr/bin/env bash
# bench/http-compare.sh - our HTTP server and Netty's under the same wrk load, as one Markdown table.
#
#   bench/http-compare.sh
#
# Installs wrk if it is missing (Debian package), builds what it needs (the bench jar; the
# jselectors server jar), then for each server in SERVERS runs the shared tools' HTTP scenarios
# through ../shared/bench/run.sh http, against GET /hello:
#   d  wrk -t1 -c100, keep-alive, no pipelining
#   e  wrk -t1 -c100, pipelined 16 deep
# and optionally scenario h: our HttpLoad (Java, on our Selector API), 100 connections,
# pipelined 16 deep, every response's status and body checked.
# The server is pinned to SERVER_CPU (0) and the load to LOAD_CPU (1); each scenario starts a
# fresh server with 1 worker, warms up for WARMUP s and measures RUNS x DURATION s. Everything
# talks to 127.0.0.1 only and every step is bounded by a timeout.
#
# The jselectors server is skipped, with a message, while its jar has no http protocol
# ('jselectors protocols' does not list it).
#
# Environment:
#   RUNS=3 DURATION=10 WARMUP=10   as run.sh
#   SERVER_CPU=0 LOAD_CPU=1        as run.sh
#   SERVERS="jselectors netty"     which servers, in this order
#   SCENARIOS="d e"                d e (wrk, run.sh) and h (HttpLoad)
#   PORT=9201                      where each server listens (one at a time)
#   SKIP_BUILD=1                   use the jars already built
#   OUT                            where results and logs go (default: a new /tmp/http-compare.XXXXXX)
#   SHARED_BENCH=../shared/bench    the shared tools (relative to the repository root)
#
# Output: the run.sh "run"/"summary" lines (collected in $OUT/results.txt), then a Markdown table
# made by the shared table.sh. Compare server_us_per_op (server CPU per response, lower is
# better) first; requests/s only where the load core is not saturated.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=help.sh
. "$HERE/help.sh"
if [ $# -gt 0 ]; then
    echo "$0: takes no arguments (settings are environment variables; see --help)" >&2
    exit 2
fi
ROOT=$(cd "$HERE/.." && pwd)
"$ROOT/scripts/install-bench-tools.sh"   # wrk, gcc, strace, perf: idempotent
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
[ -x "$SHARED/run.sh" ] || {
    echo "$0: no shared bench tools at $SHARED (../shared/bench beside the repository; or set SHARED_BENCH)" >&2
    exit 2
}
RUNS=${RUNS:-3} DURATION=${DURATION:-10} WARMUP=${WARMUP:-10}
SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
SERVERS=${SERVERS:-jselectors netty}
SCENARIOS=${SCENARIOS:-d e}
PORT=${PORT:-9201}
OUT=${OUT:-$(mktemp -d /tmp/http-compare.XXXXXX)}
RESULTS=$OUT/results.txt
HOST=127.0.0.1
URL_PATH=/hello
export RUNS DURATION WARMUP SERVER_CPU LOAD_CPU URL_PATH

BENCH_JAR=$ROOT/bench/target/jselectors-bench.jar
SERVER_JAR=$ROOT/server/target/jselectors.jar
# HttpLoad's own JIT warm-up inside each measured run (its JVM starts fresh every run).
LOAD_WARMUP=1

mkdir -p "$OUT"
: > "$RESULTS"

# shellcheck source=../.mvn/jdk.sh
. "$ROOT/.mvn/jdk.sh"
jselectors_find_jdk
JAVA=$JAVA_HOME/bin/java

wants() { [[ " $SERVERS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- tools

shared_scenarios=() h=0
for s in $SCENARIOS; do
    case $s in
        d|e) shared_scenarios+=("$s") ;;
        h) h=1 ;;
        *) echo "unknown scenario '$s' (known: d e h)" >&2; exit 2 ;;
    esac
done

if [ ${#shared_scenarios[@]} -gt 0 ] && ! command -v wrk > /dev/null; then
    echo "installing wrk (Debian package)..." >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get install -y wrk > "$OUT/apt.log" 2>&1 ||
        { $SUDO apt-get update > "$OUT/apt.log" 2>&1 && $SUDO apt-get install -y wrk >> "$OUT/apt.log" 2>&1; } ||
        { echo "could not install wrk; see $OUT/apt.log" >&2; exit 1; }
fi

# ---------------------------------------------------------------- build

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    # With -am the modules they depend on are built from this checkout, not taken from ~/.m2.
    echo "building the bench jar..." >&2
    (cd "$ROOT" && ./mvnw -B -q -ntp -pl bench -am package -DskipTests)
    if wants jselectors && [ -f "$ROOT/server/pom.xml" ]; then
        echo "building the jselectors server jar..." >&2
        (cd "$ROOT" && ./mvnw -B -q -ntp -pl server -am package -DskipTests) ||
            echo "building the jselectors server failed: it will be skipped" >&2
    fi
fi
[ -f "$BENCH_JAR" ] || { echo "missing $BENCH_JAR (build failed?)" >&2; exit 1; }

# server_cmd NAME: the command that runs server NAME in the foreground on $PORT, or nothing
# (with the reason on stderr) if it cannot run here.
server_cmd() {
    case $1 in
        jselectors)
            if [ ! -f "$SERVER_JAR" ]; then
                echo "skipping jselectors: $SERVER_JAR does not exist (the server is not built)" >&2
                return 0
            fi
            if ! timeout 60 "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$SERVER_JAR" protocols 2> /dev/null |
                    grep -q '^http '; then
                echo "skipping jselectors: its jar has no http protocol yet ('jselectors protocols' does not list it)" >&2
                return 0
            fi
            echo "$JAVA --enable-native-access=ALL-UNNAMED -jar $SERVER_JAR serve --listen http=$HOST:$PORT --workers 1 --admin off" ;;
        netty)
            # Netty uses sun.misc.Unsafe; 'allow' only silences JDK 25's warning about it.
            echo "$JAVA --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp $BENCH_JAR io.jselectors.bench.NettyHttpServer $PORT 1" ;;
        *)
            echo "unknown server '$1' (known: jselectors netty)" >&2; exit 2 ;;
    esac
}

# ---------------------------------------------------------------- scenario h: HttpLoad

# shellcheck source=lib.sh
. "$HERE/lib.sh"

# http_load SECONDS WARMUP [ARGS...]: HttpLoad on LOAD_CPU, scenario h's shape, hard-bounded.
http_load() {
    local seconds=$1 warmup=$2
    shift 2
    timeout -k 5 $((seconds + warmup + 60)) taskset -c "$LOAD_CPU" \
        "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$BENCH_JAR" io.jselectors.bench.HttpLoad \
        --host "$HOST" -p "$PORT" -c 100 -d 16 --path "$URL_PATH" -t "$seconds" -w "$warmup" "$@"
}

run_httpload_scenario() { # LABEL COMMAND
    local label=$1 desc=hload-100c-pipe16 log="$OUT/$1-h.log" r result line
    local ops=() mib=() cpu=() usop=() lcore=() errors=0
    start_server "$log" "$2"
    if [ "$WARMUP" -gt 0 ]; then http_load "$WARMUP" 0 > /dev/null 2>&1 || true; fi
    for r in $(seq "$RUNS"); do
        result=$(http_load "$DURATION" "$LOAD_WARMUP" --server-pid "$SERVER_PID" 2>> "$OUT/$label-h-load.log") || true
        line=$(grep '^http_load ' <<< "$result" | tail -n 1 || true)
        if [ -z "$line" ]; then
            echo "HttpLoad printed no result against $label; see $OUT/$label-h-load.log" >&2
            exit 1
        fi
        ops+=("$(field rps " $line")") mib+=("$(field MiB_per_s " $line")")
        cpu+=("$(field server_cpu " $line" | tr -d %)") usop+=("$(field server_us_per_op " $line")")
        lcore+=("$(field core_load " $line" | tr -d %)")
        errors=$((errors + $(field errors " $line") + $(field non2xx " $line")))
        out "run label=$label scenario=h desc=$desc run=$r ops_per_s=${ops[-1]} MiB_per_s=${mib[-1]}" \
            "errors=$(field errors " $line") server_cpu=${cpu[-1]}% server_us_per_op=${usop[-1]} core_load=${lcore[-1]:-?}%"
    done
    local rss
    rss=$(awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
    stop_server
    local om omin omax mm mmin mmax cm um lm
    read -r om omin omax <<< "$(stats "${ops[@]}")"
    read -r mm mmin mmax <<< "$(stats "${mib[@]}")"
    read -r cm _ _ <<< "$(stats "${cpu[@]}")"
    read -r um _ _ <<< "$(stats "${usop[@]}")"
    read -r lm _ _ <<< "$(stats "${lcore[@]:-0}")"
    out "summary label=$label scenario=h desc=$desc runs=$RUNS seconds=$DURATION" \
        "ops_per_s=$om ops_min=$omin ops_max=$omax MiB_per_s=$mm MiB_min=$mmin MiB_max=$mmax" \
        "peak_rss_MiB=${rss:-0} server_cpu=${cm}% server_us_per_op=$um core_load=${lm}% errors=$errors"
}

# ---------------------------------------------------------------- run

echo "http-compare: SERVERS='$SERVERS' SCENARIOS='$SCENARIOS' RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP" \
    "SERVER_CPU=$SERVER_CPU LOAD_CPU=$LOAD_CPU PORT=$PORT URL_PATH=$URL_PATH OUT=$OUT" >&2
ran=()
for name in $SERVERS; do
    cmd=$(server_cmd "$name")
    [ -n "$cmd" ] || continue
    echo "== $name: $cmd" >&2
    if [ ${#shared_scenarios[@]} -gt 0 ]; then
        LABEL=$name RESULTS=$RESULTS LOGDIR=$OUT "$SHARED/run.sh" http "$cmd" "$PORT" "${shared_scenarios[@]}"
    fi
    if [ $h = 1 ]; then
        run_httpload_scenario "$name" "$cmd"
    fi
    ran+=("$name")
done
[ ${#ran[@]} -gt 0 ] || { echo "no server was run" >&2; exit 1; }

echo
echo "RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP, GET $URL_PATH, server on core $SERVER_CPU (1 worker)," \
    "load on core $LOAD_CPU; d/e = wrk -t1 -c100 (e pipelined 16 deep); h = HttpLoad (Java, our Selector API)."
echo
"$SHARED/table.sh" "$RESULTS"
echo "results and logs: $OUT" >&2
