#!/usr/bin/env bash
# bench/http-opcounts.sh SCENARIO KIND [JAR] - instructions, cycles and CPU time per HTTP /hello
# request of one server, counted by perf over a fixed wrk window: instructions are a figure that a
# busy machine changes far less than CPU time (they do not depend on how often the server is
# preempted). On a VM without hardware counters perf reports them as n/a; the CPU time per request
# (perf's task-clock) is printed always.
#
#   bench/http-opcounts.sh d ours server/target/jselectors.jar
#   bench/http-opcounts.sh d netty        # bench/NettyHttpServer (bench/target/jselectors-bench.jar)
#   bench/http-opcounts.sh d nginx        # bench/nginx-hello.sh with one worker
#
# SCENARIO: d (wrk -t1 -c100) or e (the same, 16 requests pipelined per connection). The server runs
# pinned to SERVER_CPU (0), wrk to LOAD_CPU (1), one worker. After WARMUP seconds (20) of load,
# `perf stat -e instructions:u,instructions:k,cycles,task-clock` on the server's process (nginx: its
# worker) for WINDOW seconds (10) of wrk; prints one line: requests, and per request instructions in
# user space, in the kernel, cycles, CPU nanoseconds of the process and of its busiest thread. Environment: WARMUP WINDOW SERVER_CPU LOAD_CPU, JFR=1 (ours only)
# also records JFR allocation samples over the window and prints the worker's allocated bytes per
# request from jdk.ThreadAllocationStatistics, and where it allocates (JFR samples at TLAB refills: a
# thread that allocates little may refill none in the window; EXTRA_JAVA="-XX:-ResizeTLAB -XX:TLABSize=2k"
# makes them frequent). EXTRA_JAVA: more JVM flags for ours.
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
SC=$1 KIND=$2
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/install-bench-tools.sh"   # wrk, gcc, strace, perf: idempotent
JAR=${3:-$ROOT/server/target/jselectors.jar}
WARMUP=${WARMUP:-20} WINDOW=${WINDOW:-10} SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
. "$ROOT/.mvn/jdk.sh"; jselectors_find_jdk
PORT=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
OUT=$(mktemp -d /tmp/http-opcounts.XXXXXX)
J="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED"
case $KIND in
    ours) CMD="$J ${EXTRA_JAVA:-} -jar $JAR serve --listen http=127.0.0.1:$PORT --workers 1 --admin off" ;;
    netty) CMD="$J --sun-misc-unsafe-memory-access=allow -cp $ROOT/bench/target/jselectors-bench.jar io.jselectors.bench.NettyHttpServer $PORT 1" ;;
    nginx) CMD="$ROOT/bench/nginx-hello.sh $PORT 1" ;;
    *) echo "KIND is ours, netty or nginx" >&2; exit 2 ;;
esac
taskset -c "$SERVER_CPU" $CMD > "$OUT/server.log" 2>&1 & SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/hello" > /dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$PORT/hello" > /dev/null || { echo "server did not answer" >&2; cat "$OUT/server.log" >&2; exit 1; }
# The process perf counts: the JVM itself, or nginx's worker (the child of the master under the script).
TARGET=$SERVER
if [ "$KIND" = nginx ]; then
    master=$(pgrep -P "$SERVER" nginx | head -1); TARGET=$(pgrep -P "$master" | head -1)
fi
wrk_run() { # SECONDS
    local pipe=()
    [ "$SC" = e ] && pipe=(-s "$ROOT/../shared/bench/wrk/pipeline.lua" -- 16)
    taskset -c "$LOAD_CPU" wrk -t1 -c100 -d"$1"s "http://127.0.0.1:$PORT/hello" "${pipe[@]}"
}
wrk_run "$WARMUP" > /dev/null
threads() { for t in /proc/"$TARGET"/task/*; do echo "${t##*/} $(cut -d' ' -f14,15 "$t/stat" 2>/dev/null)"; done; }
threads > "$OUT/threads-before.txt"
perf stat -x, -e instructions:u,instructions:k,cycles,task-clock -p "$TARGET" -o "$OUT/perf.txt" & PERF=$!
wrk_run "$WINDOW" > "$OUT/wrk.txt"
kill -INT $PERF; wait $PERF 2>/dev/null || true
threads > "$OUT/threads-after.txt"
reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$OUT/wrk.txt")
# The busiest thread's CPU (user + system ticks from /proc) over the window per request: the loop
# thread alone, without the JIT's and the GC's threads, which a loaded machine makes noisier.
busiest() {
    awk -v n="$reqs" -v hz="$(getconf CLK_TCK)" 'NR == FNR { before[$1] = $2 + $3; next }
        ($1 in before) && $2 + $3 - before[$1] > max { max = $2 + $3 - before[$1] }
        END { printf "%.0f", max * 1e9 / hz / n }' "$OUT/threads-before.txt" "$OUT/threads-after.txt"; }
per_req() { # EVENT: the perf count of EVENT divided by the requests, or n/a (no hardware counter here)
    awk -F, -v ev="$1" -v n="$reqs" '$3 ~ "^" ev { if ($1 ~ /^[0-9.]+$/) printf "%.0f", $1 / n; else printf "n/a" }' "$OUT/perf.txt"; }
echo "http-opcounts scenario=$SC server=$KIND requests=$reqs instr_u_per_req=$(per_req instructions:u)" \
    "instr_k_per_req=$(per_req instructions:k) cycles_per_req=$(per_req cycles) cpu_ns_per_req=$(awk -F, -v n="$reqs" '$3 ~ /^task-clock/ { printf "%.0f", $1 * 1e6 / n }' "$OUT/perf.txt")" \
    "loop_cpu_ns_per_req=$(busiest)" "load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
if [ "$KIND" = ours ] && [ "${JFR:-0}" = 1 ]; then
    # A window of its own inside one wrk run, from 3 s after wrk connected: the connections' set-up
    # (a SocketConnection and the handler's parser per connection, ~7 KB each) stays outside it.
    # Its requests are wrk's rate times the window.
    wrk_run $((WINDOW + 6)) > "$OUT/wrk-jfr.txt" & LOAD=$!
    sleep 3
    "$JAVA_HOME/bin/jcmd" $SERVER JFR.start name=window settings=profile > /dev/null
    sleep "$WINDOW"
    "$JAVA_HOME/bin/jcmd" $SERVER JFR.stop name=window filename="$OUT/rec.jfr" > /dev/null
    wait $LOAD
    reqs=$(awk -v w="$WINDOW" '/^Requests\/sec/ { printf "%.0f", $2 * w }' "$OUT/wrk-jfr.txt")
    "$JAVA_HOME/bin/jfr" print --json --events jdk.ThreadAllocationStatistics "$OUT/rec.jfr" > "$OUT/tas.json"
    python3 - "$OUT/tas.json" "$reqs" <<'EOF'
import json, sys
events = [e for e in json.load(open(sys.argv[1]))["recording"]["events"]
          if (e["values"]["thread"] or {}).get("javaName", "").startswith("worker")]
by = {}
for e in events:
    by.setdefault(e["values"]["thread"]["javaName"], []).append(e["values"]["allocated"])
for name, vals in by.items():
    grown = max(vals) - min(vals)
    print(f"allocated by {name} over the JFR window: {grown} B, {grown / int(sys.argv[2]):.2f} B per request (~{sys.argv[2]} requests)")
EOF
    JFR=$JAVA_HOME/bin/jfr
    . "$ROOT/bench/loop-profile.sh"
    allocation_sites "$OUT/rec.jfr" worker
fi
echo "(files in $OUT)"
