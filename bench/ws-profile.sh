#!/usr/bin/env bash
# bench/ws-profile.sh SCENARIO [jselectors|netty] - what one echoed WebSocket message costs a server's
# event loop in the steady state of one of tls-ws-compare.sh's WebSocket scenarios (ws-1: 100 conns,
# 1 in flight, 64 B text; ws-16: 16 in flight; ws-1b, ws-16b: binary), ours (the wsecho plugin on an
# http listener, default) or Netty's (NettyWebSocketServer):
#
#   1. bytes allocated per message by every thread of the server (jcmd Thread.print -e around the
#      measured window; the load's --window-file marks it), and with JFR=1 where the loop thread
#      allocates (JFR's allocation samples, settings=profile, same window; JFR's own work then shows
#      in 2.);
#   2. the loop thread's CPU time per message, user and system (/proc's utime and stime over the
#      window), and its CPU samples: perf at 4 kHz on the JIT's perf map (no safepoint bias, kernel
#      frames too): where it ran (kernel, JIT, libjvm), the top frames by self time and the top
#      frames by inclusive time (the system calls' kernel paths among them);
#      and the instructions it retired per message, user and kernel (perf stat -t over the window:
#      a count, steady on a busy machine where times are not);
#   3. syscalls per message: strace -c -f over a second window of its own (strace slows the server,
#      not what it does per message), after the first.
#
# Counts (1., 3.) hold on a busy machine; the shares of 2. do too, roughly; the rates do not. Server on
# SERVER_CPU (0), load on LOAD_CPU (1). Environment: WARMUP (20 s of load first), DURATION (15 s
# windows), JFR_SAMPLES (1: take 1.'s allocation samples), OUT (a fresh /tmp dir; keeps the recordings), SERVER_JAR, BENCH_JAR, PLUGIN_JAR as
# tls-ws-compare.sh. Needs python3, perf and strace.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SC=${1:?usage: bench/ws-profile.sh ws-1|ws-16|ws-1b|ws-16b [jselectors|netty]} WHO=${2:-jselectors}
WARMUP=${WARMUP:-20} DURATION=${DURATION:-15} SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$(mktemp -d /tmp/ws-profile.XXXXXX)}; mkdir -p "$OUT"; rm -f "$OUT"/window*.txt
# shellcheck source=../.mvn/jdk.sh
. .mvn/jdk.sh; jselectors_find_jdk
# shellcheck source=loop-profile.sh
. bench/loop-profile.sh
JAVA=$JAVA_HOME/bin/java JCMD=$JAVA_HOME/bin/jcmd JFR=$JAVA_HOME/bin/jfr
SERVER_JAR=${SERVER_JAR:-$ROOT/server/target/jselectors.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/jselectors-bench.jar}
PLUGIN_JAR=${PLUGIN_JAR:-$(ls "$ROOT"/bench/target/bench-*-wsecho-plugin.jar 2>/dev/null | head -n 1 || true)}
for jar in "$SERVER_JAR" "$BENCH_JAR" "$PLUGIN_JAR"; do
    [ -f "$jar" ] || { echo "ws-profile.sh: missing jar; run ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests" >&2; exit 2; }
done
case $SC in
    ws-1) LOADARGS=(-c 100 -d 1 -s 64) ;;
    ws-16) LOADARGS=(-c 100 -d 16 -s 64) ;;
    ws-1b) LOADARGS=(-c 100 -d 1 -s 64 --binary) ;;
    ws-16b) LOADARGS=(-c 100 -d 16 -s 64 --binary) ;;
    *) echo "unknown scenario $SC (ws-1 ws-16 ws-1b ws-16b)" >&2; exit 2 ;;
esac
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
JVMOPTS=(-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer)   # perf's view of JIT frames
case $WHO in
    jselectors) mkdir -p "$OUT/plugins"; cp "$PLUGIN_JAR" "$OUT/plugins/"
                LOOP_THREAD=worker-1 CMD=("$JAVA" "${JVMOPTS[@]}" --enable-native-access=ALL-UNNAMED -jar "$SERVER_JAR" serve
                    --workers 1 --admin off --plugins "$OUT/plugins" --listen "http=127.0.0.1:$PORT") ;;
    netty) LOOP_THREAD=multiThreadIoEventLoopGroup-3-1 CMD=("$JAVA" "${JVMOPTS[@]}" --enable-native-access=ALL-UNNAMED
                --sun-misc-unsafe-memory-access=allow -cp "$BENCH_JAR" io.jselectors.bench.NettyWebSocketServer "$PORT" 1) ;;
    *) echo "server must be netty or jselectors, got $WHO" >&2; exit 2 ;;
esac
taskset -c "$SERVER_CPU" "${CMD[@]}" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 300); do (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
# The server's allocated bytes so far (jcmd Thread.print -e): all threads, and the loop thread's.
allocated() { "$JCMD" "$SERVER" Thread.print -e 2>/dev/null | awk -v loop="\"$LOOP_THREAD\"" '{
    for (i = 1; i <= NF; i++) if ($i ~ /^allocated=/) { v = $i; sub("allocated=", "", v); mult = 1;
        if (v ~ /K$/) mult = 1024; if (v ~ /M$/) mult = 1048576; if (v ~ /G$/) mult = 1073741824;
        sub(/[KMGB]+$/, "", v); t += v * mult; if ($1 == loop) l += v * mult } } END {printf "%.0f %.0f", t, l}'; }
# load W FILE: a measured window of DURATION s after W s of load, marked in FILE.
load() { taskset -c "$LOAD_CPU" "$JAVA" -cp "$BENCH_JAR" io.jselectors.bench.WsEchoLoad -p "$PORT" "${LOADARGS[@]}" \
    -t "$DURATION" -w "$1" --window-file "$2" --server-pid "$SERVER"; }
# The loop thread's utime and stime so far, in clock ticks.
tid() { "$JCMD" "$SERVER" Thread.print 2>/dev/null | awk -v loop="\"$LOOP_THREAD\"" '$1 == loop {
    for (i = 1; i <= NF; i++) if ($i ~ /^nid=/) { sub("nid=", "", $i); print $i } }'; }   # JDK 25: decimal
ticks() { awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$SERVER/task/$LOOP_TID/stat"; }
echo "# $WHO $SC: load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"

# Window 1: allocation and CPU samples.
load "$WARMUP" "$OUT/window.txt" > "$OUT/load.txt" & LOAD=$!
mark start "$OUT/window.txt" $LOAD
LOOP_TID=$(tid)
a0=$(allocated) t0=$(ticks)
[ "${JFR_SAMPLES:-0}" = 1 ] && "$JCMD" "$SERVER" JFR.start name=wsprof settings=profile > /dev/null
perf record -F 4000 -g -p "$SERVER" -o "$OUT/perf.data" > /dev/null 2>&1 & PERF=$!
perf stat -x, -e instructions:u,instructions:k -t "$LOOP_TID" -o "$OUT/perfstat.txt" > /dev/null 2>&1 & STAT=$!
mark stop "$OUT/window.txt" $LOAD
t1=$(ticks)
kill -INT $PERF $STAT; wait $PERF 2>/dev/null || true; wait $STAT 2>/dev/null || true
a1=$(allocated)
[ "${JFR_SAMPLES:-0}" = 1 ] && "$JCMD" "$SERVER" JFR.stop name=wsprof filename="$OUT/profile.jfr" > /dev/null
wait $LOAD
# Window 2: syscalls (loop-profile.sh).
strace_load_window

awk -v a="$a0" -v b="$a1" -v ops="${ops:-0}" 'BEGIN {
    if (ops == 0) { print "alloc_per_msg=unknown"; exit }
    split(a, x); split(b, y)
    printf "alloc_per_msg_bytes all_threads=%.1f loop_thread=%.1f (%.0f and %.0f bytes over %d messages; all threads include jcmd%s)\n",
        (y[1] - x[1]) / ops, (y[2] - x[2]) / ops, y[1] - x[1], y[2] - x[2], ops, ENVIRON["JFR_SAMPLES"] == 1 ? " and JFR" : "" }' \
    | tee -a "$OUT/summary.txt"
awk -v t0="$t0" -v t1="$t1" -v ops="${ops:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(t0, a); split(t1, b); if (ops == 0) exit
    printf "loop_thread_us_per_msg user=%.2f system=%.2f (%d and %d ticks of 1/%d s)\n", (b[1] - a[1]) * 1e6 / hz / ops,
        (b[2] - a[2]) * 1e6 / hz / ops, b[1] - a[1], b[2] - a[2], hz }' | tee -a "$OUT/summary.txt"
# Instructions retired by the loop thread per message (perf stat over window 1, user and kernel):
# a count, so it holds on a busy machine far better than the CPU times above.
awk -F, -v ops="${ops:-0}" '$3 ~ /^instructions/ && ops > 0 { split($3, e, ":");
    if ($1 ~ /^[0-9]+$/) printf "loop_thread_instructions_per_msg %s=%.0f\n", e[2], $1 / ops
    else printf "loop_thread_instructions_per_msg %s=unknown (perf stat: %s; a VM without a PMU counts none)\n", e[2], $1 }' \
    "$OUT/perfstat.txt" | tee -a "$OUT/summary.txt"
syscalls_per_op "$OUT/strace.txt" "${ops2:-0}" | tee -a "$OUT/summary.txt"
if [ "${JFR_SAMPLES:-0}" = 1 ]; then allocation_sites "$OUT/profile.jfr" "$LOOP_THREAD" | tee -a "$OUT/summary.txt"; fi
kill -TERM $SERVER; wait $SERVER 2>/dev/null || true; trap - EXIT   # writes /tmp/perf-PID.map
perf_summary "$OUT/perf.data" "$LOOP_THREAD" 40 60 | cut -c1-170 | tee -a "$OUT/summary.txt"
echo "output in $OUT"
