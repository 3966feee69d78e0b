#!/usr/bin/env bash
# bench/tls-opcounts.sh SCENARIO [netty|jselectors] - what one round trip costs a TLS server around
# the JDK's SSLEngine, counted rather than sampled, in the steady state of one of tls-ws-compare.sh's
# echo scenarios (tls-a: 100 conns, 1 in flight, 64 B; tls-c: 10 conns, 16 KiB):
#
#   1. calls into the engine per round trip: JFR's method timing (JDK 25) of SSLEngineImpl's wrap,
#      unwrap and the status and session questions (each takes the engine's lock); and buffers
#      taken from netty's pool (PooledByteBufAllocator.newDirectBuffer/newHeapBuffer, both servers);
#   2. bytes allocated per round trip by all the server's threads (JFR's thread allocation
#      statistics);
#   3. syscalls per round trip (strace -c -f), over a second window.
#
# Each over exactly a load's measured window (TlsEchoLoad --window-file marks it; JFR's periodic
# events are read at its edges), after WARMUP s of load (JIT and handshakes out of it).
# The figures are counts, not CPU time: strace slows the server, but not what it does per round
# trip, so they hold on a busy machine too. Server on SERVER_CPU (0), load on LOAD_CPU (1).
# Environment: WARMUP (15 s), DURATION (8 s), OUT (a fresh /tmp dir), SERVER_JAR, BENCH_JAR as
# tls-ws-compare.sh. Needs python3 and strace.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SC=${1:?usage: bench/tls-opcounts.sh tls-a|tls-c [netty|jselectors]} WHO=${2:-jselectors}
WARMUP=${WARMUP:-15} DURATION=${DURATION:-8} SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$(mktemp -d /tmp/tls-opcounts.XXXXXX)}; mkdir -p "$OUT"; rm -f "$OUT/window.txt"
# Cumulative counts every second, read at the window's edges.
E=sun.security.ssl.SSLEngineImpl
JFROPTS="-XX:StartFlightRecording:name=opcounts,settings=none,+jdk.ThreadAllocationStatistics#enabled=true"
JFROPTS+=",+jdk.ThreadAllocationStatistics#period=1s,+jdk.MethodTiming#enabled=true,+jdk.MethodTiming#period=1s"
JFROPTS+=",+jdk.MethodTiming#filter=$E::wrap;$E::unwrap;$E::getHandshakeStatus;$E::getSession"
JFROPTS+=";$E::isInboundDone;$E::isOutboundDone;$E::getDelegatedTask"
JFROPTS+=";io.netty.buffer.PooledByteBufAllocator::newDirectBuffer;io.netty.buffer.PooledByteBufAllocator::newHeapBuffer"
JVMOPTS=("$JFROPTS")
# shellcheck source=tls-echo-server.sh
. bench/tls-echo-server.sh
# shellcheck source=loop-profile.sh
. bench/loop-profile.sh
echo "# $WHO $SC: load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"
# load W FILE: a measured window of DURATION s after W s of load, marked in FILE.
load() { rm -f "$2"; taskset -c "$LOAD_CPU" "$JAVA" -cp "$BENCH_JAR" io.jselectors.bench.TlsEchoLoad -p "$PORT" \
    --cacert "$CERT" "${LOADARGS[@]}" -t "$DURATION" -w "$1" --window-file "$2"; }
# Window 1: engine calls and allocation (JFR's periodic events, read at the window's edges).
load "$WARMUP" "$OUT/window.txt" > "$OUT/load.txt"
sleep 1.5   # one more periodic event after the window
"$JCMD" "$SERVER" JFR.dump name=opcounts filename="$OUT/counts.jfr" > /dev/null
# Window 2: syscalls (loop-profile.sh).
strace_load_window
"$JFR" print --json --events jdk.MethodTiming,jdk.ThreadAllocationStatistics "$OUT/counts.jfr" > "$OUT/counts.json"
python3 "$ROOT/bench/tls_opcounts.py" "$OUT/counts.json" "$OUT/window.txt" "${ops:-0}" | tee -a "$OUT/summary.txt"
syscalls_per_op "$OUT/strace.txt" "${ops2:-0}" | tee -a "$OUT/summary.txt"
echo "output in $OUT"
