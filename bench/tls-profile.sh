#!/usr/bin/env bash
# bench/tls-profile.sh SCENARIO [netty|jselectors] - where a TLS server's event loop spends its CPU
# in the steady state of one of tls-ws-compare.sh's echo scenarios (tls-a: 100 conns, 1 in flight,
# 64 B; tls-c: 10 conns, 16 KiB), for jselectors (default) or the Netty reference server:
#
#   1. CPU samples of the event loop thread (worker-1; Netty's multiThreadIoEventLoopGroup-3-1): perf record at 4 kHz on the JIT's perf map (no safepoint
#      bias, kernel frames too, frame pointers kept so the inclusive view works), taken after a
#      warm-up so JIT and start-up work are not in them: where it ran (kernel, JIT, libjvm), the top
#      frames by self time and by inclusive time;
#   2. allocation per round trip: every thread's allocated bytes (jcmd Thread.print -e) around the
#      measured load, divided by the round trips the load made, and where the loop thread allocates
#      (JFR's allocation samples, settings=profile, recorded during the same load).
#
# Server on SERVER_CPU (0), load on LOAD_CPU (1). Environment: WARMUP (20 s), DURATION (20 s), OUT (a
# fresh /tmp dir; keeps the recordings), SERVER_JAR, BENCH_JAR as tls-ws-compare.sh. Needs python3 and perf.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SC=${1:?usage: bench/tls-profile.sh tls-a|tls-c [netty|jselectors]} WHO=${2:-jselectors}
WARMUP=${WARMUP:-20} DURATION=${DURATION:-20} SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$(mktemp -d /tmp/tls-profile.XXXXXX)}; mkdir -p "$OUT"
JVMOPTS=(-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer)   # perf's view of JIT frames
# shellcheck source=tls-echo-server.sh
. bench/tls-echo-server.sh
# shellcheck source=loop-profile.sh
. bench/loop-profile.sh
load() { taskset -c "$LOAD_CPU" "$JAVA" -cp "$BENCH_JAR" io.jselectors.bench.TlsEchoLoad -p "$PORT" --cacert "$CERT" \
    "${LOADARGS[@]}" -t "$1" -w "$2" --server-pid "$SERVER"; }
echo "# $WHO $SC: load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"
load "$WARMUP" 1 > /dev/null
# The measured load opens its connections anew: its first HANDSHAKE_S seconds (its own warm-up) hold
# their handshakes, which neither the samples nor the allocation count include.
HANDSHAKE_S=${HANDSHAKE_S:-5}
load "$DURATION" "$HANDSHAKE_S" > "$OUT/load.txt" & LOAD=$!
sleep "$HANDSHAKE_S"
"$JCMD" "$SERVER" JFR.start name=tlsprof settings=profile > /dev/null
a0=$(allocated)
perf record -F 4000 -g -p "$SERVER" -o "$OUT/perf.data" -- sleep "$((DURATION - 1))" > /dev/null 2>&1
a1=$(allocated)
"$JCMD" "$SERVER" JFR.stop name=tlsprof filename="$OUT/profile.jfr" > /dev/null
wait $LOAD
r=$(cat "$OUT/load.txt")
echo "load: $r" | tee -a "$OUT/summary.txt"
rate=$(sed -n 's/.*rtt_per_s=\([^[:space:]]*\).*/\1/p' <<< "$r")
awk -v a="$a0" -v b="$a1" -v r="${rate:-0}" -v d="$((DURATION - 1))" 'BEGIN {
    if (r == 0) { print "alloc_per_op=unknown"; exit }
    printf "alloc_per_op_bytes=%.1f (all threads, JFR included: %.0f bytes over about %.0f round trips)\n", (b - a) / (r * d), b - a, r * d }' \
    | tee -a "$OUT/summary.txt"
allocation_sites "$OUT/profile.jfr" "$LOOP_THREAD" | tee -a "$OUT/summary.txt"
kill -TERM $SERVER; wait $SERVER 2>/dev/null || true; trap - EXIT   # writes /tmp/perf-PID.map
perf_summary "$OUT/perf.data" "$LOOP_THREAD" 30 40 java | cut -c1-160 | tee -a "$OUT/summary.txt"
echo "output in $OUT"
