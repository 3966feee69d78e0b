#!/usr/bin/env bash
# bench/profile.sh SCENARIO [WORKERS] - where jselectors' server spends its CPU under one of the
# shared load scenarios (a b c: echo; d e: HTTP /hello), for bench/PROFILE.md:
#
#   1. CPU samples of the worker loop thread: perf record at 4 kHz on the JIT's perf map (no
#      safepoint bias, kernel frames too); the top frames by self time;
#   2. allocation per operation: the worker thread's allocated bytes (jcmd Thread.print -e) at two
#      points inside one load run, divided by the operations the load did in between;
#   3. syscalls per operation: strace -c -f on the server for STRACE_S seconds of the same load
#      (strace slows the server down; the counts per op are what matters, not the rate).
#
# Server on SERVER_CPU (0), load on LOAD_CPU (1), as the shared tools do. Environment: DURATION (20 s
# of load for 1. and 2.), STRACE_S (5), JAR (server/target/jselectors.jar), OUT (a fresh /tmp dir),
# EXTRA_JAVA (more JVM flags). Needs the built jar, strace, perf (linux-perf), gcc (the C load) and wrk (d e).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/install-bench-tools.sh"   # wrk, gcc, strace, perf: idempotent
SC=${1:?usage: bench/profile.sh SCENARIO [WORKERS]} WORKERS=${2:-1}
DURATION=${DURATION:-20} STRACE_S=${STRACE_S:-5}
SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
JAR=${JAR:-$ROOT/server/target/jselectors.jar}
OUT=${OUT:-$(mktemp -d /tmp/jselectors-profile.XXXXXX)}; mkdir -p "$OUT"
SHARED=$ROOT/../shared/bench
HOST=127.0.0.1 PORT=${PORT:-$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
. "$ROOT/.mvn/jdk.sh"; jselectors_find_jdk
JAVA=$JAVA_HOME/bin/java

CBIN=$SHARED/c
if [ ! -x "$CBIN/echo_load" ]; then CBIN=/tmp/bench-c; [ -x "$CBIN/echo_load" ] || {
    mkdir -p "$CBIN"; cp "$SHARED"/c/*.c "$SHARED"/c/Makefile "$CBIN"/; make -s -C "$CBIN"; }; fi
case $SC in
    a|b|c) PROTO=echo ;;
    d|e) PROTO=http ;;
    *) echo "unknown scenario $SC (a b c d e)" >&2; exit 2 ;;
esac
load() { # SECONDS -> the load tool's output
    case $SC in
        a) taskset -c "$LOAD_CPU" "$CBIN/echo_load" $HOST $PORT 100 1 64 "$1" ;;
        b) taskset -c "$LOAD_CPU" "$CBIN/echo_load" $HOST $PORT 100 16 64 "$1" ;;
        c) taskset -c "$LOAD_CPU" "$CBIN/echo_load" $HOST $PORT 10 1 16384 "$1" ;;
        d) taskset -c "$LOAD_CPU" wrk -t1 -c100 -d"${1}s" -s "$SHARED/wrk/pipeline.lua" "http://$HOST:$PORT/hello" ;;
        e) taskset -c "$LOAD_CPU" wrk -t1 -c100 -d"${1}s" -s "$SHARED/wrk/pipeline.lua" "http://$HOST:$PORT/hello" -- 16 ;;
    esac
}
ops() { # the load's output -> operations per second
    local v; v=$(sed -n 's/.*[[:space:]]rtt_per_s=\([^[:space:]]*\).*/\1/p' <<< "$1" | tail -n 1)
    [ -n "$v" ] || v=$(sed -n 's/.*[[:space:]]rps=\([^[:space:]]*\).*/\1/p' <<< "$1" | tail -n 1)
    [ -n "$v" ] || v=$(awk '/^Requests\/sec:/ {print $2}' <<< "$1")
    echo "$v"
}

# One server for all three measurements, started without a recording (JFR's sampler signals every
# thread each millisecond, which strace would count); the profile of 1. is taken with perf on the
# JIT's perf map, which has no safepoint bias and sees the syscalls' kernel side too.
taskset -c "$SERVER_CPU" "$JAVA" --enable-native-access=ALL-UNNAMED -XX:+UnlockDiagnosticVMOptions \
    -XX:+DumpPerfMapAtExit ${EXTRA_JAVA:-} \
    -jar "$JAR" serve --listen "$PROTO=$HOST:$PORT" --workers "$WORKERS" --admin off > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 300); do (exec 3<> "/dev/tcp/$HOST/$PORT") 2>/dev/null && break; sleep 0.1; done
load 8 > /dev/null   # warm-up: JIT, pools, caches
JCMD=$JAVA_HOME/bin/jcmd

# 2. allocation: the worker threads' allocated bytes (jcmd Thread.print -e) around a measured load.
threadalloc() { "$JCMD" "$SERVER" Thread.print -e 2>/dev/null | awk '/"[^"]*worker-[0-9]+"/ {
    for (i = 1; i <= NF; i++) if ($i ~ /^allocated=/) { v = $i; sub("allocated=", "", v); mult = 1;
        if (v ~ /K$/) mult = 1024; if (v ~ /M$/) mult = 1048576; if (v ~ /G$/) mult = 1073741824;
        sub(/[KMGB]+$/, "", v); t += v * mult } } END {printf "%.0f", t}'; }
# Both readings inside one load run, 2 s after it began (its connections open, the worker steady):
# readings around separate runs also counted each run's 100 connections being set up and torn down
# (~3 KB each), 0.4-0.8 B per op at these rates, which is not the per-operation figure.
LOADOUT=$(mktemp /tmp/profile-load.XXXXXX)
load "$((DURATION + 4))" > "$LOADOUT" & LOADER=$!
sleep 2
a0=$(threadalloc)
sleep "$DURATION"
a1=$(threadalloc)
wait $LOADER || true
r=$(cat "$LOADOUT"); rm -f "$LOADOUT"
rate=$(ops "$r")
echo "load: $(tail -n 1 <<< "$r")" | tee "$OUT/summary.txt"
awk -v a="$a0" -v b="$a1" -v r="$rate" -v d="$DURATION" 'BEGIN {
    if (a == "" || b == "" || r == 0) { print "alloc_per_op=unknown"; exit }
    printf "alloc_per_op_bytes=%.3f (worker threads: %.0f bytes over ~%.0f ops, steady state)\n", (b - a) / (r * d), b - a, r * d }' | tee -a "$OUT/summary.txt"

# 1. CPU profile: perf sampling the server's threads at 4 kHz, user and kernel, for DURATION s.
perf record -F 4000 -g -p "$SERVER" -o "$OUT/perf.data" -- sleep "$DURATION" > /dev/null 2>&1 & PERF=$!
sleep 0.5
r=$(load "$((DURATION - 1))")
wait $PERF || true

# 3. syscalls per op under the same load (strace attached to every thread of the server).
strace -c -f -p "$SERVER" -o "$OUT/strace.txt" 2> /dev/null & STRACE=$!
sleep 1
r=$(load "$STRACE_S")
kill -INT $STRACE; wait $STRACE 2>/dev/null || true
rate=$(ops "$r")
echo "== syscalls per op (strace -c -f, $STRACE_S s of load at $rate ops/s under strace)" | tee -a "$OUT/summary.txt"
awk -v r="$rate" -v d="$STRACE_S" '$1 ~ /^[0-9.]+$/ && $NF != "total" {
        calls = $4; errs = (NF == 6) ? $5 : 0;
        printf "%-16s %10d calls  %.3f per op  errors %d\n", $NF, calls, calls / (r * d), errs }' "$OUT/strace.txt" \
    | sort -k4 -gr | head -10 | tee -a "$OUT/summary.txt"

kill -TERM $SERVER; wait $SERVER 2>/dev/null || true; trap - EXIT   # writes /tmp/perf-PID.map
# (awk reads to the end: leaving early makes perf die of SIGPIPE, and pipefail then ended the script)
WORKER=$(perf report -i "$OUT/perf.data" --sort comm --stdio -g none 2>/dev/null | awk '/worker-/ && w == "" {w = $NF} END {print w}')
report() { perf report -i "$OUT/perf.data" --no-children --comms "$WORKER" --stdio -g none "$@" 2>/dev/null | grep -v '^#' | grep -v '^$' || true; }
echo "== $WORKER's samples by where they ran (perf cpu-clock; [JIT] is Java code)" | tee -a "$OUT/summary.txt"
# (--sort comm,dso, not dso alone: with --comms and call graphs recorded, this perf printed only
# the [vdso] line for "--sort dso"; the comm column is left out anyway, --comms filtering it)
report --sort comm,dso | head -6 | tee -a "$OUT/summary.txt"
echo "== $WORKER's top user-space frames (self; JIT frames include what the JIT inlined into them)" | tee -a "$OUT/summary.txt"
report --sort sym | grep -v '\[k\]' | head -25 | tee -a "$OUT/summary.txt"
echo "== $WORKER's top kernel frames" | tee -a "$OUT/summary.txt"
report --sort sym | grep '\[k\]' | head -8 | tee -a "$OUT/summary.txt"
echo "output in $OUT"
