#!/usr/bin/env bash
# bench/tls-hs-profile.sh [netty|jselectors] - where an HTTPS server spends its CPU in tls-ws-compare.sh's
# tls-hs scenario (wrk -t1 -c32 -H 'Connection: close': a full handshake per request), as
# microseconds of server CPU per handshake, so two servers compare per handshake rather than per
# second (this holds on a busy machine too, where rates do not):
#
#   1. the server's CPU per handshake by thread (/proc/PID/task/*/stat around the window): the
#      event loop, the delegated-task threads (ours), the JIT compilers, the GC (Serial: the VM thread);
#   2. where the Java threads spend it, from JFR's CPU-time samples (jdk.CPUTimeSample, inlined frames
#      resolved), in buckets: the JDK's TLS engine and crypto (which both servers run: any frame of
#      sun.security, com.sun.crypto, java.security, javax.crypto or javax.net.ssl on the stack),
#      engine creation and configuration among it, and the rest, the server's own work (loop,
#      system calls, buffers, HTTP); the rest's heaviest frames, self and inclusive.
#
# After WARMUP s of the same load (JIT out of the window: the summary says how many methods were
# still compiled in it, which should be few). Server on SERVER_CPU (0), wrk on LOAD_CPU
# (1). Environment: WARMUP (30 s), DURATION (10 s), OUT (a fresh /tmp dir; keeps the recording),
# SERVER_JAR, BENCH_JAR as tls-ws-compare.sh. Needs wrk and python3.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
WHO=${1:-jselectors}
WARMUP=${WARMUP:-30} DURATION=${DURATION:-10} SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$(mktemp -d /tmp/tls-hs-profile.XXXXXX)}; mkdir -p "$OUT"
JVMOPTS=(-XX:FlightRecorderOptions:stackdepth=256) SC=tls-hs
# shellcheck source=tls-echo-server.sh
. bench/tls-echo-server.sh
URL=https://localhost:$PORT/hello
wrk_for() { taskset -c "$LOAD_CPU" wrk -t1 -c32 -d"$1s" -H "Connection: close" "$URL"; }
# Every thread's name and CPU ticks (user + system), one line each.
thread_ticks() { for t in /proc/"$SERVER"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(awk '{sub(/.*\) /, ""); print $12 + $13}' "$t/stat" 2>/dev/null)"; done; }
echo "# $WHO tls-hs profile: load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"
wrk_for "$WARMUP" > "$OUT/warmup.txt"
"$JCMD" "$SERVER" JFR.start name=hs settings=none "+jdk.CPUTimeSample#enabled=true" "+jdk.CPUTimeSample#throttle=1ms" "+jdk.Deoptimization#enabled=true" "+jdk.Compilation#enabled=true" "+jdk.Compilation#threshold=0ms" > /dev/null
thread_ticks > "$OUT/ticks0.txt"
wrk_for "$DURATION" > "$OUT/load.txt"
thread_ticks > "$OUT/ticks1.txt"
"$JCMD" "$SERVER" JFR.stop name=hs filename="$OUT/cpu.jfr" > /dev/null
echo "load: $(grep -E 'requests in|Requests/sec|errors' "$OUT/load.txt" | tr -s ' ' | tr '\n' ';')" | tee -a "$OUT/summary.txt"
ops=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$OUT/load.txt")
"$JFR" print --json --events jdk.CPUTimeSample "$OUT/cpu.jfr" > "$OUT/cpu.json"
echo "JIT in the window: $("$JFR" summary "$OUT/cpu.jfr" | awk '$1 == "jdk.Compilation" {c = $2} $1 == "jdk.Deoptimization" {d = $2} END {print c + 0 " compilations, " d + 0 " deoptimizations"}')" | tee -a "$OUT/summary.txt"
python3 "$ROOT/bench/tls_hs_profile.py" "$OUT" "${ops:-0}" "$(getconf CLK_TCK)" | tee -a "$OUT/summary.txt"
echo "output in $OUT"
