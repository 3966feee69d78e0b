#!/usr/bin/env bash
# bench/tls-hs-counts.sh [netty|jselectors] - what one full TLS handshake costs an HTTPS server in
# tls-ws-compare.sh's tls-hs scenario (wrk -t1 -c32 -H 'Connection: close': one full handshake, one
# request and one close per connection), counted rather than timed:
#
#   1. calls into the engine per handshake (JFR's method timing of SSLEngineImpl's wrap, unwrap,
#      getDelegatedTask and the status questions) and bytes allocated per handshake (all threads);
#   2. context switches per handshake, summed over the server's threads (/proc/PID/task/*/status),
#      and the server's CPU time per handshake (only this one depends on how busy the machine is);
#   3. syscalls per handshake (strace -c -f), over a window of its own, per accepted connection.
#
# Each after WARMUP s of the same load (JIT out of the window). Server on SERVER_CPU (0), wrk on
# LOAD_CPU (1), an ephemeral port. Environment: WARMUP (15 s), DURATION (8 s), OUT (a fresh /tmp
# dir), SERVER_JAR, BENCH_JAR as tls-ws-compare.sh. Needs wrk, python3 and strace.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
WHO=${1:-jselectors}
WARMUP=${WARMUP:-15} DURATION=${DURATION:-8} SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$(mktemp -d /tmp/tls-hs-counts.XXXXXX)}; mkdir -p "$OUT"
E=sun.security.ssl.SSLEngineImpl
JFROPTS="-XX:StartFlightRecording:name=opcounts,settings=none,+jdk.ThreadAllocationStatistics#enabled=true"
JFROPTS+=",+jdk.ThreadAllocationStatistics#period=1s,+jdk.MethodTiming#enabled=true,+jdk.MethodTiming#period=1s"
JFROPTS+=",+jdk.MethodTiming#filter=$E::wrap;$E::unwrap;$E::getHandshakeStatus;$E::getSession"
JFROPTS+=";$E::isInboundDone;$E::isOutboundDone;$E::getDelegatedTask;$E::getSSLParameters;$E::setSSLParameters"

JVMOPTS=("$JFROPTS") SC=tls-hs
# shellcheck source=tls-echo-server.sh
. bench/tls-echo-server.sh
URL=https://localhost:$PORT/hello
wrk_for() { taskset -c "$LOAD_CPU" wrk -t1 -c32 -d"$1s" -H "Connection: close" "$URL"; }
requests() { sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$1"; }
# Context switches and CPU ticks of every thread the server has now (threads that ended are lost,
# which is why the pool and loop threads, alive throughout, are what this sees).
switches() { cat /proc/"$SERVER"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}'; }
ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$SERVER/stat"; }
# The server's total GC time so far, in seconds (jstat's GCT column).
gctime() { "$JAVA_HOME/bin/jstat" -gc "$SERVER" | awk 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "GCT") c = i} NR == 2 {print $c}'; }

echo "# $WHO tls-hs: load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"
wrk_for "$WARMUP" > "$OUT/warmup.txt"
# Window 1: engine calls, allocation, context switches, CPU time.
g0=$(gctime) c0=$(switches) k0=$(ticks) t0=$(date +%s%3N)
wrk_for "$DURATION" > "$OUT/load.txt"
c1=$(switches) k1=$(ticks) t1=$(date +%s%3N) g1=$(gctime)
printf 'start %s\nstop %s\n' "$t0" "$t1" > "$OUT/window.txt"
sleep 1.5   # one more periodic event after the window
"$JCMD" "$SERVER" JFR.dump name=opcounts filename="$OUT/counts.jfr" > /dev/null
ops=$(requests "$OUT/load.txt")
echo "load: $ops handshakes in $(( (t1 - t0) / 1000 )) s ($(grep -c . "$OUT/load.txt") lines of wrk output; errors: $(grep -i 'errors' "$OUT/load.txt" || echo none))" | tee -a "$OUT/summary.txt"
"$JFR" print --json --events jdk.MethodTiming,jdk.ThreadAllocationStatistics "$OUT/counts.jfr" > "$OUT/counts.json"
python3 "$ROOT/bench/tls_opcounts.py" "$OUT/counts.json" "$OUT/window.txt" "${ops:-0}" | sed 's/round trip/handshake/g' | tee -a "$OUT/summary.txt"
awk -v g0="$g0" -v g1="$g1" -v c=$((c1 - c0)) -v k=$((k1 - k0)) -v hz="$(getconf CLK_TCK)" -v n="${ops:-0}" -v ms=$((t1 - t0)) 'BEGIN {
    if (n == 0) exit
    printf "%10.2f  context switches (all threads alive at both edges)\n", c / n
    printf "%10.1f  us of GC pauses (jstat GCT)\n", 1e6 * (g1 - g0) / n
    printf "%10.1f  us of server CPU (user + system; depends on the machine load)\n", 1e6 * k / hz / n
    printf "%10.1f  handshakes per second\n", n * 1000 / ms }' | tee -a "$OUT/summary.txt"
# Window 2: syscalls, per accepted connection (strace slows the server; per connection it does the same).
wrk_for "$DURATION" > "$OUT/load2.txt" & LOAD=$!
sleep 1
strace -c -f -p "$SERVER" -o "$OUT/strace.txt" 2> /dev/null & STRACE=$!
sleep "$((DURATION - 3))"
kill -INT $STRACE; wait $STRACE 2>/dev/null || true
wait $LOAD
awk '
    /^-+/ { inside = !inside; next }
    inside == 1 && NF >= 5 { calls[$NF] = $4; errs[$NF] = (NF == 6) ? $5 : 0 }
    END { n = calls["accept4"] + calls["accept"]
          if (n == 0) { print "no accepted connections seen"; exit }
          printf "-- per handshake (accepted connection) under strace: %d connections\n", n
          for (s in calls) { t += calls[s]; if (calls[s] / n >= 0.01) printf "%10.3f  %s%s\n", calls[s] / n, s, errs[s] ? " (" errs[s] " failed)" : "" }
          printf "%10.3f  syscalls in all (strace -c -f)\n", t / n }' "$OUT/strace.txt" | sort -rn | tee -a "$OUT/summary.txt"
echo "output in $OUT"
