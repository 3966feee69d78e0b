#!/usr/bin/env bash
# bench/tls-instructions.sh SCENARIO [netty|jselectors] - instructions and CPU time per round trip
# of a TLS echo server in the steady state of one of tls-ws-compare.sh's echo scenarios (tls-a: 100
# conns, 1 in flight, 64 B; tls-c: 10 conns, 16 KiB): `perf stat -e
# instructions:u,instructions:k,task-clock` on the server over exactly the load's measured window
# (TlsEchoLoad --window-file), after WARMUP s of load (JIT and handshakes out of it), divided by the
# window's round trips; the whole process (loop, GC, JIT compiler) and the loop thread alone.
#
# Instructions are a count, not a time: they barely move with the machine's load, so two builds
# (SERVER_JAR=... for the other) or ours and Netty's compare on a busy machine where CPU-time
# ratios do not. A virtual machine without hardware counters (perf prints "not supported") gets
# task-clock only (µs of CPU per round trip), which needs a quiet machine. ROUNDS (3) windows.
# Server on SERVER_CPU (0), load on LOAD_CPU (1). Environment: WARMUP (15 s), DURATION (8 s),
# ROUNDS, OUT (a fresh /tmp dir), SERVER_JAR, BENCH_JAR as tls-ws-compare.sh. Needs python3 and perf.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SC=${1:?usage: bench/tls-instructions.sh tls-a|tls-c [netty|jselectors]} WHO=${2:-jselectors}
WARMUP=${WARMUP:-15} DURATION=${DURATION:-8} ROUNDS=${ROUNDS:-3} SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$(mktemp -d /tmp/tls-instructions.XXXXXX)}; mkdir -p "$OUT"
JVMOPTS=()
# shellcheck source=tls-echo-server.sh
. bench/tls-echo-server.sh
# shellcheck source=loop-profile.sh
. bench/loop-profile.sh
echo "# $WHO $SC: load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"
load() { rm -f "$2"; taskset -c "$LOAD_CPU" "$JAVA" -cp "$BENCH_JAR" io.jselectors.bench.TlsEchoLoad -p "$PORT" \
    --cacert "$CERT" "${LOADARGS[@]}" -t "$DURATION" -w "$1" --window-file "$2"; }
LOOP_TID=
for round in $(seq "$ROUNDS"); do
    w=$OUT/window$round.txt
    load "$([ "$round" = 1 ] && echo "$WARMUP" || echo 2)" "$w" > "$OUT/load$round.txt" & lp=$!
    mark start "$w" $lp
    if [ -z "$LOOP_TID" ]; then
        LOOP_TID=$(grep -lx "${LOOP_THREAD:0:15}" /proc/"$SERVER"/task/*/comm | head -1 | cut -d/ -f5)
    fi
    perf stat -x, -e instructions:u,instructions:k,task-clock -p "$SERVER" -o "$OUT/all$round.csv" & p1=$!
    perf stat -x, -e instructions:u,instructions:k,task-clock -t "$LOOP_TID" -o "$OUT/loop$round.csv" & p2=$!
    mark stop "$w" $lp
    kill -INT $p1 $p2; wait $p1 $p2 2>/dev/null || true
    wait $lp
    ops=$(sed -n 's/.* ops=\([0-9]*\) .*/\1/p' "$OUT/load$round.txt")
    awk -F, -v ops="$ops" -v r="$round" -v la="$(cut -d' ' -f1 /proc/loadavg)" '
        function per(w, e) { return (w, e) in v ? sprintf("%.0f", v[w, e] / ops) : "n/a" }
        FNR == 1 { f++ } $3 ~ /instructions|task-clock/ && $1 ~ /^[0-9.]+$/ { v[f, $3] = $1 }
        END { printf "round %d: ops=%d  process: u=%s k=%s instructions/op, %.2f us/op  loop thread: u=%s k=%s, %.2f us/op  (load %s)\n",
                  r, ops, per(1, "instructions:u"), per(1, "instructions:k"), v[1, "task-clock"] * 1000 / ops,
                  per(2, "instructions:u"), per(2, "instructions:k"), v[2, "task-clock"] * 1000 / ops, la }' \
        "$OUT/all$round.csv" "$OUT/loop$round.csv" | tee -a "$OUT/summary.txt"
done
echo "output in $OUT"
