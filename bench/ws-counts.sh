#!/usr/bin/env bash
# bench/ws-counts.sh SCENARIO [jselectors|netty] - the wake-ups behind one echoed WebSocket message,
# for both sides of the loop: the server (ours, the wsecho plugin on an http listener, or Netty's
# NettyWebSocketServer) and the load (WsEchoLoad), over one measured window of steady load, per
# message echoed in that window:
#
#   server: CPU (task-clock, every thread), context switches, epoll waits (epoll_wait, epoll_pwait
#           and epoll_pwait2; Netty 4.2 uses epoll_pwait2), recv and send calls, the wake-ups it
#           gives other threads (sched_waking); then epoll_ctl, read/write/writev (a server that
#           does not use recv/send), futex, timerfd_settime, the reads that found nothing (EAGAIN),
#           the packets it sent (net_dev_xmit: 1 per message means no separate ACKs); the same per
#           read that returned data; and its user and system time from /proc (clock ticks; the
#           kernel's split, process and loop thread) over the window;
#   load:   CPU, context switches, and the wake-ups it gives (sched_waking: among them, each time
#           its write finds the server's loop asleep in its wait);
#   per CPU: the reschedule and function-call IPIs each core took;
#   and, from a second window, how many events each of the loop's waits returned (a histogram of
#   the epoll exits' return values: 1 means one message per wake-up).
#
# perf stat and perf record on tracepoints, not strace: strace slows the loop, and a slower loop
# finds more events per wait, which is the very count wanted here. With one message in flight
# per connection (ws-1) a loop that is faster than its load wakes for fewer messages at a time,
# and each wake-up costs it a block and a switch, and the load the wake-up: that is what these
# counts show for both servers. Counts per message hold far better on a busy machine than rates,
# but the events per wait do depend on how fast each side runs: compare them from the same quiet
# machine. Server on SERVER_CPU (0), load on LOAD_CPU (1). Environment: CONNS (100), WARMUP (15 s),
# WINDOW (8 s), SERVER_JAR, BENCH_JAR, PLUGIN_JAR as tls-ws-compare.sh, SERVER_OPTS (our JVM's
# options), PORT (a free one if unset). Needs perf with tracepoint access (root or perf_event_paranoid <= 1) and python3.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SC=${1:?usage: bench/ws-counts.sh ws-1|ws-16|ws-1b|ws-16b [jselectors|netty]} WHO=${2:-jselectors}
CONNS=${CONNS:-100} WARMUP=${WARMUP:-15} WINDOW=${WINDOW:-8} SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
# shellcheck source=../.mvn/jdk.sh
. .mvn/jdk.sh; jselectors_find_jdk
# shellcheck source=loop-profile.sh
. bench/loop-profile.sh
JAVA=$JAVA_HOME/bin/java
SERVER_JAR=${SERVER_JAR:-$ROOT/server/target/jselectors.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/jselectors-bench.jar}
PLUGIN_JAR=${PLUGIN_JAR:-$(ls "$ROOT"/bench/target/bench-*-wsecho-plugin.jar 2>/dev/null | head -n 1 || true)}
for jar in "$SERVER_JAR" "$BENCH_JAR" "$PLUGIN_JAR"; do
    [ -f "$jar" ] || { echo "ws-counts.sh: missing jar; run ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests" >&2; exit 2; }
done
case $SC in
    ws-1) LOADARGS=(-c "$CONNS" -d 1 -s 64) ;;
    ws-16) LOADARGS=(-c "$CONNS" -d 16 -s 64) ;;
    ws-1b) LOADARGS=(-c "$CONNS" -d 1 -s 64 --binary) ;;
    ws-16b) LOADARGS=(-c "$CONNS" -d 16 -s 64 --binary) ;;
    *) echo "unknown scenario $SC (ws-1 ws-16 ws-1b ws-16b)" >&2; exit 2 ;;
esac
OUT=$(mktemp -d /tmp/ws-counts.XXXXXX)
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
case $WHO in
    jselectors) mkdir -p "$OUT/plugins"; cp "$PLUGIN_JAR" "$OUT/plugins/"
                LOOP_COMM=worker-1
                # shellcheck disable=SC2086 # SERVER_OPTS: several options
                CMD=("$JAVA" ${SERVER_OPTS:-} --enable-native-access=ALL-UNNAMED -jar "$SERVER_JAR" serve --workers 1
                    --admin off --plugins "$OUT/plugins" --listen "http=127.0.0.1:$PORT") ;;
    netty) LOOP_COMM=multiThreadIoEv   # the worker group's thread; comm keeps 15 characters
           CMD=("$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp "$BENCH_JAR"
                io.jselectors.bench.NettyWebSocketServer "$PORT" 1) ;;
    *) echo "server must be netty or jselectors, got $WHO" >&2; exit 2 ;;
esac
taskset -c "$SERVER_CPU" "${CMD[@]}" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 300); do (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
# load WARM FILE: a measured window of WINDOW s after WARM s of load, marked in FILE.
load() { taskset -c "$LOAD_CPU" "$JAVA" -cp "$BENCH_JAR" io.jselectors.bench.WsEchoLoad -p "$PORT" "${LOADARGS[@]}" \
    -t "$WINDOW" -w "$1" --window-file "$2" --server-pid "$SERVER"; }
EVENTS=task-clock,context-switches,sched:sched_waking,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_pwait2,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendto,syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_futex,syscalls:sys_enter_timerfd_settime,net:net_dev_xmit
# The reads that found nothing (EAGAIN), as a filtered count of their exits: ours recv, Netty read.
# With one message in flight per connection each recv that returns data is one message: the "per
# read" line divides by that count, which perf takes over its own window, so the load's average
# rate (the other lines' divisor) cannot skew it when the machine's load swings within the run.
EAGAIN=(-e syscalls:sys_exit_recvfrom --filter 'ret == -11' -e syscalls:sys_exit_read --filter 'ret == -11'
        -e syscalls:sys_exit_recvfrom --filter 'ret > 0')
# ticks STATFILE: "utime stime" (clock ticks) of a process or thread.
ticks() { awk '{sub(/.*\) /, ""); print $12, $13}' "$1"; }
# loop_stat PID COMM: the stat file of the busiest thread named COMM (Netty's boss and worker
# threads share their 15-character name).
loop_stat() {
    local t best="" most=-1 n
    for t in /proc/"$1"/task/*; do
        [ "$(cat "$t/comm" 2>/dev/null)" = "$2" ] || continue
        n=$(ticks "$t/stat" | awk '{print $1 + $2}')
        [ "$n" -gt "$most" ] && { most=$n; best=$t/stat; }
    done
    echo "${best:-/proc/$1/stat}"
}
IPIS=irq_vectors:reschedule_entry,irq_vectors:call_function_single_entry,irq_vectors:call_function_entry
echo "# $WHO $SC, $CONNS connections: load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Window 1: counts, from the load's start mark to its stop mark (perf stat stops on SIGINT).
load "$WARMUP" "$OUT/window.txt" > "$OUT/load.txt" & LOAD=$!
mark start "$OUT/window.txt" $LOAD
LOOP_STAT=$(loop_stat "$SERVER" "$LOOP_COMM")
T0=$(date +%s.%N) P0=$(ticks "/proc/$SERVER/stat") L0=$(ticks "$LOOP_STAT")
LOAD_JVM=$(pgrep -f "WsEchoLoad -p $PORT " | head -n 1)
perf stat -x, -e "$EVENTS" "${EAGAIN[@]}" -p "$SERVER" -o "$OUT/server.csv" > /dev/null 2>&1 & S1=$!
perf stat -x, -e "$EVENTS" -p "$LOAD_JVM" -o "$OUT/load.csv" > /dev/null 2>&1 & S2=$!
perf stat -x, -a -A -e "$IPIS" -o "$OUT/ipis.csv" > /dev/null 2>&1 & S3=$!
mark stop "$OUT/window.txt" $LOAD
T1=$(date +%s.%N) P1=$(ticks "/proc/$SERVER/stat") L1=$(ticks "$LOOP_STAT")
echo "$T0 $T1 $P0 $P1 $L0 $L1 $(getconf CLK_TCK)" > "$OUT/ticks.txt"
kill -INT $S1 $S2 $S3; wait $S1 $S2 $S3 2>/dev/null || true
wait $LOAD
# Window 2: what each of the loop thread's waits returned (3 s; the exits' return values).
load 2 "$OUT/window2.txt" > "$OUT/load2.txt" & LOAD=$!
mark start "$OUT/window2.txt" $LOAD
perf record -q -e syscalls:sys_exit_epoll_wait,syscalls:sys_exit_epoll_pwait,syscalls:sys_exit_epoll_pwait2 -p "$SERVER" -o "$OUT/waits.data" \
    -- sleep 3 > /dev/null 2>&1 || true
wait $LOAD
perf script -i "$OUT/waits.data" 2> /dev/null > "$OUT/waits.txt" || true
echo "load: $(cat "$OUT/load.txt")"
python3 - "$OUT" "$LOOP_COMM" <<'EOF'
import collections, re, sys
out, loop = sys.argv[1], sys.argv[2]
rate = float(re.search(r"\brtt_per_s=([0-9.]+)", open(out + "/load.txt").read()).group(1))

def window():
    """How long perf counted, in seconds: the enabled time of the system-wide (per-CPU) count,
    which is wall time; perf starts a little after the load's start mark, so the messages of its
    window are the load's rate times this."""
    for line in open(out + "/ipis.csv"):
        f = line.strip().split(",")
        if len(f) >= 5 and not line.startswith("#") and f[4].isdigit():
            return int(f[4]) / 1e9
    return 0.0

def counts(name):
    """perf stat -x, of one process: value,unit,event,...; a second sys_exit_recvfrom (the
    filtered count of reads that returned data) is named recv_data."""
    c = {}
    for line in open(out + "/" + name):
        f = line.strip().split(",")
        if len(f) < 4 or line.startswith("#"):
            continue
        try:
            value = float(f[0])
        except ValueError:
            continue  # <not counted>, <not supported>
        key = f[2].split(":")[-1].replace("sys_enter_", "")
        c["recv_data" if key == "sys_exit_recvfrom" and key in c else key] = value
    return c

def line(who, c, ops):
    waits = c.get("epoll_wait", 0) + c.get("epoll_pwait", 0) + c.get("epoll_pwait2", 0)
    return ("%-6s cpu_us=%.2f context_switches=%.3f wakeups_given=%.3f epoll_waits=%.3f recv=%.3f send=%.3f"
            % (who, c.get("task-clock", 0) * 1e3 / ops, c.get("context-switches", 0) / ops,
               c.get("sched_waking", 0) / ops, waits / ops, c.get("recvfrom", 0) / ops, c.get("sendto", 0) / ops))

ops = rate * window()
ipis = {}
for line_ in open(out + "/ipis.csv"):
    f = line_.strip().split(",")
    if len(f) >= 4 and not line_.startswith("#"):
        try:
            ipis[f[0] + ":" + f[3].split(":")[-1].replace("_entry", "")] = float(f[1]) / ops
        except ValueError:
            pass
print("per message (%.0f messages/s over perf's %.2f s):" % (rate, window()))
server = counts("server.csv")
print(line("server", server, ops))
print("server epoll_ctl=%.3f read=%.3f write=%.3f writev=%.3f futex=%.3f timerfd_settime=%.3f eagain_recv=%.3f"
      " eagain_read=%.3f packets_sent=%.3f"
      % tuple(server.get(k, 0) / ops for k in ("epoll_ctl", "read", "write", "writev", "futex", "timerfd_settime",
                                               "sys_exit_recvfrom", "sys_exit_read", "net_dev_xmit")))
reads = server.get("recv_data", 0)
if reads:
    waits = sum(server.get(k, 0) for k in ("epoll_wait", "epoll_pwait", "epoll_pwait2"))
    print("server per read that returned data (%.0f in perf's window): cpu_us=%.2f context_switches=%.3f epoll_waits=%.3f"
          " send=%.3f packets_sent=%.3f" % (reads, server.get("task-clock", 0) * 1e3 / reads,
                                            server.get("context-switches", 0) / reads, waits / reads,
                                            server.get("sendto", 0) / reads, server.get("net_dev_xmit", 0) / reads))
t = open(out + "/ticks.txt").read().split()
t0, t1, hz = float(t[0]), float(t[1]), float(t[10])
ops_t = rate * (t1 - t0)
pu, ps = (int(t[4]) - int(t[2])) * 1e6 / hz / ops_t, (int(t[5]) - int(t[3])) * 1e6 / hz / ops_t
lu, ls = (int(t[8]) - int(t[6])) * 1e6 / hz / ops_t, (int(t[9]) - int(t[7])) * 1e6 / hz / ops_t
print("server /proc user/sys us per message: process %.2f + %.2f = %.2f; loop thread %s %.2f + %.2f = %.2f (%.1f s)"
      % (pu, ps, pu + ps, loop, lu, ls, lu + ls, t1 - t0))
load_ = counts("load.csv")
print(line("load", load_, ops) + " read=%.3f write=%.3f packets_sent=%.3f"
      % tuple(load_.get(k, 0) / ops for k in ("read", "write", "net_dev_xmit")))
print("ipis   " + " ".join("%s=%.3f" % kv for kv in sorted(ipis.items())))
hist = collections.Counter()
for l in open(out + "/waits.txt"):
    if l.split() and l.split()[0].startswith(loop):
        m = re.search(r"0x([0-9a-f]+)\s*$", l)
        if m:
            hist[int(m.group(1), 16)] += 1
total = sum(hist.values())
if total:
    mean = sum(k * v for k, v in hist.items()) / total
    top = ", ".join("%d: %.1f%%" % (k, 100.0 * v / total) for k, v in sorted(hist.items())[:12])
    print("events per wait of %s (window 2, %d waits): mean %.2f; %s" % (loop, total, mean, top))
else:
    print("events per wait: no waits recorded for %s (perf record refused?)" % loop)
EOF
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
