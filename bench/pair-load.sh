#!/usr/bin/env bash
# bench/pair-load.sh - two servers under the same TLS or WebSocket load, in interleaved slices.
#
#   bench/pair-load.sh SCENARIO "CMD_A" PORT_A "CMD_B" PORT_B
#
# The method of ../shared/bench/pair.sh (which knows only plaintext echo and http), for the
# scenarios it cannot drive: both servers run at once, pinned to SERVER_CPU; both are warmed; then
# the load (pinned to LOAD_CPU) runs in short slices in ABBA order, so the host's drift falls on
# both alike. Each slice gives ops/s and the server's CPU time per op; the verdict is the median
# of the per-pair ratios B/A, with the middle half of them as its spread.
#
# Scenarios (127.0.0.1 only; TLS ones trust CACERT, the PEM certificate both servers are given):
#   tls-d   wrk -t1 -c100 https://.../hello                       keep-alive HTTPS
#   tls-e   the same, pipelined 16 deep
#   tls-hs  wrk -t1 -c32 -H 'Connection: close' https://.../hello one full handshake per request
#           (wrk keeps no TLS session between connections, so there is no resumption)
#   tls-h   TlsHttpLoad: as tls-d, but all 100 connections open before the measured window
#   tls-hp  the same, pipelined 16 deep (wrk counts its handshakes inside the slice; these do not)
#   tls-a   TlsEchoLoad: 100 conns, 1 in flight, 64 B     tls-c  10 conns, 1 in flight, 16 KiB
#   ws-1    WsEchoLoad: 100 conns, 1 in flight, 64 B text  ws-16  the same, 16 in flight
#   ws-1b / ws-16b   the same with binary frames
# Environment: PAIRS=8 SLICE=5 WARMUP=10 SERVER_CPU=0 LOAD_CPU=1 LABEL_A=A LABEL_B=B
#   CACERT (tls-*), URL_PATH=/hello (tls-d/e/hs), WS_PATH=/echo (ws-*), JAVA (a JDK 25 java;
#   found as ./mvnw finds it), BENCH_JAR=bench/target/jselectors-bench.jar, RESULTS (append lines)
# Output: "slice ..." lines, then "pair scenario=S a=.. b=.. ops_ratio=R_(q1-q3)
#   us_per_op_ratio=R_(q1-q3) a_ops=.. a_us_per_op=.. b_ops=.. b_us_per_op=.. errors=N"
# (a_/b_ figures are the medians of the slices). us_per_op_ratio below 1: B spends less server
# CPU per op than A. The Java generators measure the server's CPU over their measured window
# themselves (--server-pid); for wrk it is taken from /proc over the whole slice.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# shellcheck source=help.sh
. "$HERE/help.sh"
[ $# -eq 5 ] || { echo "$0: takes 5 arguments; see --help" >&2; exit 2; }
SC=$1 CMD_A=$2 PORT_A=$3 CMD_B=$4 PORT_B=$5
PAIRS=${PAIRS:-8} SLICE=${SLICE:-5} WARMUP=${WARMUP:-10}
SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
LABEL_A=${LABEL_A:-A} LABEL_B=${LABEL_B:-B}
URL_PATH=${URL_PATH:-/hello} WS_PATH=${WS_PATH:-/echo}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/jselectors-bench.jar}
PIPELINE_LUA=$ROOT/../shared/bench/wrk/pipeline.lua
HOST=127.0.0.1 HZ=$(getconf CLK_TCK)
LOGDIR=$(mktemp -d /tmp/bench-pair-load.XXXXXX)

if [ -z "${JAVA:-}" ]; then
    # shellcheck source=../.mvn/jdk.sh
    . "$ROOT/.mvn/jdk.sh"; jselectors_find_jdk; JAVA=$JAVA_HOME/bin/java
fi
case $SC in
    tls-d|tls-e|tls-hs)
        command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
        [ -f "$PIPELINE_LUA" ] || { echo "missing $PIPELINE_LUA (the shared bench tools beside the repository)" >&2; exit 2; } ;;
    tls-a|tls-c|tls-h|tls-hp) [ -r "${CACERT:-}" ] || { echo "$SC needs CACERT=the servers' cert.pem" >&2; exit 2; } ;;
    ws-1|ws-16|ws-1b|ws-16b) ;;
    *) echo "unknown scenario $SC (tls-d tls-e tls-hs tls-h tls-hp tls-a tls-c ws-1 ws-16 ws-1b ws-16b)" >&2; exit 2 ;;
esac
[ -f "$BENCH_JAR" ] || { echo "no $BENCH_JAR: ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests" >&2; exit 2; }

out() { echo "$*"; [ -z "${RESULTS:-}" ] || echo "$*" >> "$RESULTS"; }
# load_cmd PORT SECONDS SERVER_PID: sets LOAD, the command of one slice (it prints one key=value line).
load_cmd() {
    local url="https://$HOST:$1$URL_PATH" jl=("$JAVA" -cp "$BENCH_JAR")
    local common=(-p "$1" -t "$2" -w 1 --server-pid "$3")
    local wrk=(wrk -t1 -d"${2}s" -s "$PIPELINE_LUA")
    case $SC in
        tls-d) LOAD=("${wrk[@]}" -c100 "$url") ;;
        tls-e) LOAD=("${wrk[@]}" -c100 "$url" -- 16) ;;
        tls-hs) LOAD=("${wrk[@]}" -c32 -H "Connection: close" "$url") ;;
        tls-h) LOAD=("${jl[@]}" io.jselectors.bench.TlsHttpLoad "${common[@]}" --cacert "$CACERT" --path "$URL_PATH" -c 100 -d 1) ;;
        tls-hp) LOAD=("${jl[@]}" io.jselectors.bench.TlsHttpLoad "${common[@]}" --cacert "$CACERT" --path "$URL_PATH" -c 100 -d 16) ;;
        tls-a) LOAD=("${jl[@]}" io.jselectors.bench.TlsEchoLoad "${common[@]}" --cacert "$CACERT" -c 100 -d 1 -s 64) ;;
        tls-c) LOAD=("${jl[@]}" io.jselectors.bench.TlsEchoLoad "${common[@]}" --cacert "$CACERT" -c 10 -d 1 -s 16384) ;;
        ws-1) LOAD=("${jl[@]}" io.jselectors.bench.WsEchoLoad "${common[@]}" --path "$WS_PATH" -c 100 -d 1 -s 64) ;;
        ws-16) LOAD=("${jl[@]}" io.jselectors.bench.WsEchoLoad "${common[@]}" --path "$WS_PATH" -c 100 -d 16 -s 64) ;;
        ws-1b) LOAD=("${jl[@]}" io.jselectors.bench.WsEchoLoad "${common[@]}" --path "$WS_PATH" -c 100 -d 1 -s 64 --binary) ;;
        ws-16b) LOAD=("${jl[@]}" io.jselectors.bench.WsEchoLoad "${common[@]}" --path "$WS_PATH" -c 100 -d 16 -s 64 --binary) ;;
    esac
}
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<< " $2" | tail -n 1; }
# The server's CPU ticks (user + system) summed over its process tree.
tree() { echo "$1"; local c; for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do tree "$c"; done; }
ticks() { local p sum=0 v; for p in $(tree "$1"); do
    v=$(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null || true); sum=$((sum + ${v:-0})); done; echo "$sum"; }

LOAD=() PIDS=()
stop_all() { local p; for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
             sleep 1; for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap stop_all EXIT
launch() { # CMD PORT LOG -> pid (the server itself: bash execs it)
    if ss -Htln "( sport = :$2 )" | grep -q .; then echo "port $2 is already in use" >&2; exit 1; fi
    taskset -c "$SERVER_CPU" bash -c "exec $1" > "$3" 2>&1 &
    local pid=$! until=$((SECONDS + 90))
    while ! (exec 3<> "/dev/tcp/$HOST/$2") 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { echo "server exited: $(tail -n 3 "$3")" >&2; exit 1; }
        [ "$SECONDS" -lt "$until" ] || { echo "port $2 not open after 90 s" >&2; exit 1; }
        sleep 0.2
    done
    echo "$pid"
}
PID_A=$(launch "$CMD_A" "$PORT_A" "$LOGDIR/a.log"); PIDS+=("$PID_A")
PID_B=$(launch "$CMD_B" "$PORT_B" "$LOGDIR/b.log"); PIDS+=("$PID_B")

# run_slice A|B SECONDS -> "ops_per_s us_per_op errors"
run_slice() {
    local pid port r t0 t1 k0 k1 rate us e1 e2
    if [ "$1" = A ]; then pid=$PID_A port=$PORT_A; else pid=$PID_B port=$PORT_B; fi
    t0=$(date +%s.%N); k0=$(ticks "$pid")
    load_cmd "$port" "$2" "$pid"
    r=$(timeout -k 5 $(($2 + 150)) taskset -c "$LOAD_CPU" "${LOAD[@]}" 2> "$LOGDIR/load.err") \
        || { echo "load failed on $1: $r $(tail -n 2 "$LOGDIR/load.err")" >&2; exit 1; }
    t1=$(date +%s.%N); k1=$(ticks "$pid")
    rate=$(field rtt_per_s "$r"); [ -n "$rate" ] || rate=$(field rps "$r")
    us=$(field server_us_per_op "$r")
    e1=$(field errors "$r"); e2=$(field non2xx "$r")
    if [ -z "$us" ]; then
        us=$(awk -v d=$((k1 - k0)) -v hz="$HZ" -v a="$t0" -v b="$t1" -v r="$rate" \
            'BEGIN {printf "%.4f", (r > 0 ? 1e6 * d / hz / (b - a) / r : 0)}')
    fi
    echo "$rate $us $((${e1:-0} + ${e2:-0}))"
}

run_slice A "$WARMUP" > /dev/null; run_slice B "$WARMUP" > /dev/null
r_ops=() r_cpu=() a_ops=() a_us=() b_ops=() b_us=() errors=0
for i in $(seq "$PAIRS"); do
    order="A B"; [ $((i % 2)) -eq 1 ] || order="B A"
    for w in $order; do
        read -r o u e <<< "$(run_slice "$w" "$SLICE")"
        if [ "$w" = A ]; then oa=$o ua=$u; else ob=$o ub=$u; fi
        errors=$((errors + e))
    done
    a_ops+=("$oa") a_us+=("$ua") b_ops+=("$ob") b_us+=("$ub")
    r_ops+=("$(awk -v a="$oa" -v b="$ob" 'BEGIN {printf "%.4f", (a > 0 ? b / a : 0)}')")
    r_cpu+=("$(awk -v a="$ua" -v b="$ub" 'BEGIN {printf "%.4f", (a > 0 ? b / a : 0)}')")
    out "slice scenario=$SC pair=$i ${LABEL_A}_ops=$oa ${LABEL_A}_us_per_op=$ua ${LABEL_B}_ops=$ob ${LABEL_B}_us_per_op=$ub"
done
# median (q1-q3) of the arguments
spread() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.3f_(%.3f-%.3f)", m, v[int((NR + 3) / 4)], v[NR - int((NR - 1) / 4)]}'; }
median() { spread "$@" | sed 's/_.*//'; }
out "pair scenario=$SC a=$LABEL_A b=$LABEL_B pairs=$PAIRS slice_s=$SLICE ops_ratio=$(spread "${r_ops[@]}")" \
    "us_per_op_ratio=$(spread "${r_cpu[@]}") a_ops=$(median "${a_ops[@]}") a_us_per_op=$(median "${a_us[@]}")" \
    "b_ops=$(median "${b_ops[@]}") b_us_per_op=$(median "${b_us[@]}") errors=$errors load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"
