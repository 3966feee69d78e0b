#!/usr/bin/env bash
# bench/loop-counts.sh - a server's CPU, scheduler and system-call counts per operation, from perf
# stat over a fixed window of steady load (issue #19: counts per op survive a shared machine better
# than a rate does; the calls per op and the ops per epoll_wait do not depend on the load at all).
#
#   bench/loop-counts.sh SCENARIO "SERVER COMMAND with @P@ for its port" [LABEL]
#
# The server runs on SERVER_CPU (0), the load (../shared/bench's echo_load or wrk, as pair.sh runs
# them) on LOAD_CPU (1). After WARMUP seconds (20) of load, perf stat counts the server's whole
# process for WINDOW seconds (8) inside a second load run: its CPU time (task-clock, and the user /
# system split from /proc), context switches, and the epoll_wait (with epoll_pwait and epoll_pwait2) /
# recvfrom / sendto / read / write calls (tracepoints, so turns per op need no strace), and futex,
# epoll_ctl and the reads that returned EAGAIN (not counted as ops). Prints one line: LABEL, load average, ops/s,
# then each count per op and ops per epoll_wait (one op is one round trip or one request). In a and
# d an op is exactly one read call (recv or read: one message in flight per connection; the earlier
# passes' strace counts), so there the ops are the window's own read calls (ops_from=reads), which
# is exact; in b, c and e they are the load's rate times the window (ops_from=rate), which drifts a
# few percent with the load's own warm-up.
# THREADS=1 adds one line per thread that ran in the window: its CPU per op and its blocking
# (voluntary) and preempted (involuntary) context switches per op, from /proc/PID/task (which loop
# or JIT thread the CPU went to; four workers against one).
# Hardware counters (instructions, cycles) are not used: this project's VM has no PMU ("not
# supported"). Needs perf with tracepoint access (root or perf_event_paranoid <= 1).
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/install-bench-tools.sh"   # wrk, gcc, strace, perf: idempotent
BENCH=$ROOT/../shared/bench
[ $# -ge 2 ] || { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
SC=$1 CMD=$2 LABEL=${3:-server}
SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1} WARMUP=${WARMUP:-20} WINDOW=${WINDOW:-8}
HOST=127.0.0.1
CBIN=$BENCH/c
if [ ! -x "$CBIN/echo_load" ]; then
    CBIN=/tmp/bench-c
    if [ ! -x "$CBIN/echo_load" ]; then
        mkdir -p "$CBIN"; cp "$BENCH"/c/*.c "$BENCH"/c/Makefile "$CBIN"/; make -s -C "$CBIN"
    fi
fi
load_cmd() { # PORT SECONDS
    case $SC in
        a) echo "$CBIN/echo_load $HOST $1 100 1 64 $2" ;;
        b) echo "$CBIN/echo_load $HOST $1 100 16 64 $2" ;;
        c) echo "$CBIN/echo_load $HOST $1 10 1 16384 $2" ;;
        d) echo "wrk -t1 -c100 -d${2}s -s $BENCH/wrk/pipeline.lua http://$HOST:$1/hello" ;;
        e) echo "wrk -t1 -c100 -d${2}s -s $BENCH/wrk/pipeline.lua http://$HOST:$1/hello -- 16" ;;
        *) echo "unknown scenario $SC" >&2; exit 2 ;;
    esac
}
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<< "$2" | tail -n 1; }

PORT=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
LOG=$(mktemp /tmp/loop-counts.XXXXXX)
taskset -c "$SERVER_CPU" bash -c "exec ${CMD//@P@/$PORT}" > "$LOG" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -f "$LOG" "$LOG.perf"' EXIT
deadline=$((SECONDS + 60))
until (exec 3<> "/dev/tcp/$HOST/$PORT") 2>/dev/null; do
    kill -0 $SERVER 2>/dev/null || { echo "server exited: $(tail -3 "$LOG")" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "port $PORT not open after 60 s" >&2; exit 1; }
    sleep 0.1
done
taskset -c "$LOAD_CPU" $(load_cmd "$PORT" "$WARMUP") > /dev/null
# The counted window starts 2 s into the second run (past echo_load's own 1 s warm-up and wrk's
# connecting) and ends 1 s before it, so every counted moment is under full load.
taskset -c "$LOAD_CPU" $(load_cmd "$PORT" $((WINDOW + 3))) > "$LOG.load" &
LOADER=$!
sleep 2
cpu_ticks() { sed 's/.*) //' "/proc/$SERVER/stat" | awk '{print $12, $13}'; }
# One line per thread: tid, name (spaces made _), user + system ticks.
thread_ticks() { local t; for t in /proc/"$SERVER"/task/*; do
    awk -v tid="${t##*/}" '{ s = $0; sub(/^[^(]*\(/, "", s); n = s; sub(/\).*/, "", n); sub(/^.*\) /, "", s)
        split(s, f, " "); gsub(/ /, "_", n); printf "%s %s %d ", tid, n, f[12] + f[13] }' "$t/stat" 2>/dev/null || continue
    awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { nv = $2 } END { print v + 0, nv + 0 }' "$t/status" 2>/dev/null || echo 0 0
    done; }
read -r u0 s0 <<< "$(cpu_ticks)"
[ "${THREADS:-0}" != 1 ] || thread_ticks > "$LOG.t0"
perf stat -x, -p "$SERVER" -o "$LOG.perf" -e task-clock,context-switches,cpu-migrations \
    -e syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_pwait2 \
    -e syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendto,syscalls:sys_enter_read,syscalls:sys_enter_write \
    -e syscalls:sys_enter_futex,syscalls:sys_enter_epoll_ctl \
    -e syscalls:sys_exit_recvfrom --filter 'ret == -11' -e syscalls:sys_exit_read --filter 'ret == -11' \
    -- sleep "$WINDOW" 2> /dev/null
read -r u1 s1 <<< "$(cpu_ticks)"
[ "${THREADS:-0}" != 1 ] || thread_ticks > "$LOG.t1"
wait $LOADER
r=$(cat "$LOG.load"; rm -f "$LOG.load")
rate=$(field rtt_per_s "$r"); [ -n "$rate" ] || rate=$(field rps "$r")
[ -n "$rate" ] || { echo "no rate in the load's output: $r" >&2; exit 1; }
awk -F, -v rate="$rate" -v w="$WINDOW" -v label="$LABEL" -v sc="$SC" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
    -v ut=$((u1 - u0)) -v st=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" -v opsfile="$LOG.ops" '
    $3 != "" && $1 ~ /^[0-9]/ { v[$3] = $1 }
    END {
        # The sys_exit counts are filtered to EAGAIN (-11): reads that found nothing are no op.
        eagain = v["syscalls:sys_exit_recvfrom"] + v["syscalls:sys_exit_read"]
        reads = v["syscalls:sys_enter_recvfrom"] + v["syscalls:sys_enter_read"] - eagain
        if (sc == "a" || sc == "d") { ops = reads; from = "reads" } else { ops = rate * w; from = "rate" }
        # epoll_pwait and epoll_pwait2 count as waits too: the Netty native transport uses them
        e = v["syscalls:sys_enter_epoll_wait"] + v["syscalls:sys_enter_epoll_pwait"] + v["syscalls:sys_enter_epoll_pwait2"]
        printf "%s load=%s ops_per_s=%.0f ops_from=%s", label, load, ops / w, from
        printf " cpu_us_per_op=%.3f user_us_per_op=%.3f sys_us_per_op=%.3f", \
            1000 * v["task-clock"] / ops, 1e6 * ut / hz / ops, 1e6 * st / hz / ops
        printf " cs_per_op=%.4f migrations_per_op=%.4f", v["context-switches"] / ops, v["cpu-migrations"] / ops
        printf " epoll_wait_per_op=%.4f recv_per_op=%.3f send_per_op=%.3f read_per_op=%.3f write_per_op=%.3f", \
            e / ops, v["syscalls:sys_enter_recvfrom"] / ops, v["syscalls:sys_enter_sendto"] / ops, \
            v["syscalls:sys_enter_read"] / ops, v["syscalls:sys_enter_write"] / ops
        printf " eagain_reads_per_op=%.4f futex_per_op=%.4f epoll_ctl_per_op=%.4f", \
            eagain / ops, v["syscalls:sys_enter_futex"] / ops, v["syscalls:sys_enter_epoll_ctl"] / ops
        printf " ops_per_wait=%.1f\n", e ? ops / e : 0
        print ops > opsfile
    }' "$LOG.perf"
if [ "${THREADS:-0}" = 1 ]; then
    # The threads that ran in the window, busiest first: CPU microseconds and context switches
    # (blocking, and preempted) per op, the op counted as in the line above.
    awk -v ops="$(cat "$LOG.ops")" -v hz="$(getconf CLK_TCK)" '
        FNR == NR { t0[$1] = $3; v0[$1] = $4; nv0[$1] = $5; next }
        { d = $3 - t0[$1]; if (d > 0) printf "  thread %s %s ticks=%d us_per_op=%.4f voluntary_cs_per_op=%.4f involuntary_cs_per_op=%.4f\n", \
            $1, $2, d, 1e6 * d / hz / ops, ($4 - v0[$1]) / ops, ($5 - nv0[$1]) / ops }' \
        "$LOG.t0" "$LOG.t1" | sort -t= -k2 -n -r
    rm -f "$LOG.t0" "$LOG.t1"
fi
rm -f "$LOG.ops"
