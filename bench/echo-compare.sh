#!/usr/bin/env bash
# bench/echo-compare.sh - our echo server and Netty's under the same load, as one Markdown table.
#
#   bench/echo-compare.sh
#
# Builds what it needs (the bench jar; the jselectors server jar when server/ exists), then for
# each server in SERVERS:
#   - the shared tools' scenarios a b c (C echo_load) through ../shared/bench/run.sh echo,
#   - scenario j: our EchoLoad (Java, on our Selector API): 100 connections, 1 in flight, 64 B.
# The server is pinned to SERVER_CPU (0) and the load to LOAD_CPU (1) in every scenario; each
# scenario starts a fresh server, warms up for WARMUP s and measures RUNS x DURATION s. Everything
# talks to 127.0.0.1 only and every step is bounded by a timeout.
#
# Servers (each started so that its PID is the java process: run.sh execs the command):
#   jselectors  java -jar server/target/jselectors.jar serve --listen echo=127.0.0.1:PORT --workers 1 --admin off
#   netty       io.jselectors.bench.NettyEchoServer PORT 1 (Netty 4.2, native epoll, 1 worker)
#   c           the shared C epoll echo_server (the near-the-limit reference; not in the default)
#
# Environment:
#   RUNS=3 DURATION=10 WARMUP=10   passed to run.sh, and used the same way for scenario j
#   SERVER_CPU=0 LOAD_CPU=1        cores for the server and the load
#   SERVERS="jselectors netty"     which servers, in this order
#   SCENARIOS="a b c j"            which scenarios (a b c: C load via run.sh; j: EchoLoad)
#   PORT=9200                      the port every server listens on (one at a time; not 9100,
#                                  the server's own admin listener)
#   SKIP_BUILD=1                   use the jars already built
#   OUT                            where results and logs go (default: a new /tmp/echo-compare.XXXXXX)
#   SHARED_BENCH=../shared/bench    the shared tools (relative to the repository root)
#
# Output: the run.sh lines and the same "run"/"summary" lines for scenario j (collected in
# $OUT/results.txt), then a Markdown table made by the shared table.sh. Compare server_us_per_op
# (server CPU per round trip, lower is better); throughput only where the load core is not
# saturated (load core near 100 % means the load generator is the bottleneck).
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
SCENARIOS=${SCENARIOS:-a b c j}
PORT=${PORT:-9200}
OUT=${OUT:-$(mktemp -d /tmp/echo-compare.XXXXXX)}
RESULTS=$OUT/results.txt
HOST=127.0.0.1
export RUNS DURATION WARMUP SERVER_CPU LOAD_CPU

BENCH_JAR=$ROOT/bench/target/jselectors-bench.jar
SERVER_JAR=$ROOT/server/target/jselectors.jar
# EchoLoad's own JIT warm-up inside each measured run (its JVM starts fresh every run).
LOAD_WARMUP=1

mkdir -p "$OUT"
: > "$RESULTS"

# shellcheck source=../.mvn/jdk.sh
. "$ROOT/.mvn/jdk.sh"
jselectors_find_jdk
JAVA=$JAVA_HOME/bin/java

wants() { [[ " $SERVERS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- build

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    # With -am the modules they depend on are built from this checkout, not taken from ~/.m2.
    if grep -q '<module>bench</module>' "$ROOT/pom.xml"; then
        echo "building the bench jar..." >&2
        (cd "$ROOT" && ./mvnw -B -q -ntp -pl bench -am package -DskipTests)
    else
        echo "building the bench jar (not in the root pom yet: dependencies from ~/.m2)..." >&2
        (cd "$ROOT" && ./mvnw -B -q -ntp -f bench/pom.xml package -DskipTests)
    fi
    if wants jselectors && [ -f "$ROOT/server/pom.xml" ]; then
        echo "building the jselectors server jar..." >&2
        (cd "$ROOT" && ./mvnw -B -q -ntp -pl server -am package -DskipTests) ||
            echo "building the jselectors server failed: it will be skipped" >&2
    fi
fi
[ -f "$BENCH_JAR" ] || { echo "missing $BENCH_JAR (build failed?)" >&2; exit 1; }

CBIN=
if wants c; then
    CBIN=$OUT/c
    mkdir -p "$CBIN"
    cp "$SHARED"/c/*.c "$SHARED"/c/Makefile "$CBIN"/
    make -s -C "$CBIN" echo_server
fi

# server_cmd NAME: the command that runs server NAME in the foreground on $PORT, or nothing.
server_cmd() {
    case $1 in
        jselectors)
            [ -f "$SERVER_JAR" ] || return 0
            echo "$JAVA --enable-native-access=ALL-UNNAMED -jar $SERVER_JAR serve --listen echo=$HOST:$PORT --workers 1 --admin off" ;;
        netty)
            # Netty uses sun.misc.Unsafe; 'allow' only silences JDK 25's warning about it.
            echo "$JAVA --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp $BENCH_JAR io.jselectors.bench.NettyEchoServer $PORT 1" ;;
        c)
            echo "$CBIN/echo_server $PORT" ;;
        *)
            echo "unknown server '$1' (known: jselectors netty c)" >&2; exit 2 ;;
    esac
}

# ---------------------------------------------------------------- scenario j: EchoLoad

# shellcheck source=lib.sh
. "$HERE/lib.sh"

# echo_load SECONDS WARMUP [ARGS...]: EchoLoad on LOAD_CPU, scenario j's shape, hard-bounded.
echo_load() {
    local seconds=$1 warmup=$2
    shift 2
    timeout -k 5 $((seconds + warmup + 60)) taskset -c "$LOAD_CPU" \
        "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$BENCH_JAR" io.jselectors.bench.EchoLoad \
        --host "$HOST" -p "$PORT" -c 100 -d 1 -s 64 -t "$seconds" -w "$warmup" "$@"
}

run_echoload_scenario() { # LABEL COMMAND
    local label=$1 desc=jload-100c-d1-64B log="$OUT/$1-j.log" r result line
    local ops=() mib=() cpu=() usop=() lcore=() errors=0
    start_server "$log" "$2"
    if [ "$WARMUP" -gt 0 ]; then echo_load "$WARMUP" 0 > /dev/null 2>&1 || true; fi
    for r in $(seq "$RUNS"); do
        result=$(echo_load "$DURATION" "$LOAD_WARMUP" --server-pid "$SERVER_PID" 2>> "$OUT/$label-j-load.log") || true
        line=$(grep '^echo_load_java ' <<< "$result" | tail -n 1 || true)
        if [ -z "$line" ]; then
            echo "EchoLoad printed no result against $label; see $OUT/$label-j-load.log" >&2
            exit 1
        fi
        ops+=("$(field rtt_per_s " $line")") mib+=("$(field MiB_per_s " $line")")
        cpu+=("$(field server_cpu " $line" | tr -d %)") usop+=("$(field server_us_per_op " $line")")
        lcore+=("$(field core_load " $line" | tr -d %)")
        errors=$((errors + $(field errors " $line")))
        out "run label=$label scenario=j desc=$desc run=$r ops_per_s=${ops[-1]} MiB_per_s=${mib[-1]}" \
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
    out "summary label=$label scenario=j desc=$desc runs=$RUNS seconds=$DURATION" \
        "ops_per_s=$om ops_min=$omin ops_max=$omax MiB_per_s=$mm MiB_min=$mmin MiB_max=$mmax" \
        "peak_rss_MiB=${rss:-0} server_cpu=${cm}% server_us_per_op=$um core_load=${lm}% errors=$errors"
}

# ---------------------------------------------------------------- run

echo "echo-compare: SERVERS='$SERVERS' SCENARIOS='$SCENARIOS' RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP" \
    "SERVER_CPU=$SERVER_CPU LOAD_CPU=$LOAD_CPU PORT=$PORT OUT=$OUT" >&2
shared_scenarios=() j=0
for s in $SCENARIOS; do
    case $s in
        a|b|c) shared_scenarios+=("$s") ;;
        j) j=1 ;;
        *) echo "unknown scenario '$s' (known: a b c j)" >&2; exit 2 ;;
    esac
done
ran=()
for name in $SERVERS; do
    cmd=$(server_cmd "$name")
    if [ -z "$cmd" ]; then
        echo "skipping $name: $SERVER_JAR does not exist (the server module is not built yet)" >&2
        continue
    fi
    echo "== $name: $cmd" >&2
    if [ ${#shared_scenarios[@]} -gt 0 ]; then
        LABEL=$name RESULTS=$RESULTS LOGDIR=$OUT "$SHARED/run.sh" echo "$cmd" "$PORT" "${shared_scenarios[@]}"
    fi
    if [ $j = 1 ]; then
        run_echoload_scenario "$name" "$cmd"
    fi
    ran+=("$name")
done
[ ${#ran[@]} -gt 0 ] || { echo "no server was run" >&2; exit 1; }

echo
echo "RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP, server on core $SERVER_CPU, load on core $LOAD_CPU;" \
    "scenario j = EchoLoad (Java, our Selector API), its load core = the busy share of core $LOAD_CPU."
echo
"$SHARED/table.sh" "$RESULTS"
echo "results and logs: $OUT" >&2
