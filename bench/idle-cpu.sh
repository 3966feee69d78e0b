#!/usr/bin/env bash
# bench/idle-cpu.sh - the CPU an idle server uses, with two sets of JVM options side by side: both
# servers start at once (default workers, every protocol on a free port, the admin listener on),
# and after WARMUP s each one's utime+stime (/proc/PID/stat, the whole process) is read over
# WINDOW s twice: with no connections, then with CONNS idle connections open to its echo
# listener. For a loop setting that must cost nothing when there is nothing to do
# (-Djselectors.edgeTriggered, -Djselectors.batchScheduling). Environment: A_OPTS, B_OPTS, SERVER_JAR, WARMUP (10), WINDOW
# (20), CONNS (100). Prints CPU ticks (1/CLK_TCK s) per window for A and B.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
# shellcheck source=../.mvn/jdk.sh
. .mvn/jdk.sh; jselectors_find_jdk
SERVER_JAR=${SERVER_JAR:-$ROOT/server/target/jselectors.jar}
WARMUP=${WARMUP:-10} WINDOW=${WINDOW:-20} CONNS=${CONNS:-100}
free_port() { python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
declare -A ECHO
for side in A B; do
    opts_var=${side}_OPTS
    e=$(free_port) c=$(free_port) h=$(free_port) m=$(free_port)
    # shellcheck disable=SC2086 # the options: several words
    "$JAVA_HOME/bin/java" ${!opts_var:-} --enable-native-access=ALL-UNNAMED -jar "$SERVER_JAR" serve \
        --listen "echo=127.0.0.1:$e" --listen "chat=127.0.0.1:$c" --listen "http=127.0.0.1:$h" \
        --admin "127.0.0.1:$m" > "/tmp/idle-cpu.$side.log" 2>&1 &
    PIDS+=($!); ECHO[$side]=$e
done
sleep "$WARMUP"
measure() { # LABEL
    local a0 b0
    a0=$(ticks "${PIDS[0]}") b0=$(ticks "${PIDS[1]}")
    sleep "$WINDOW"
    echo "$1: A ${A_OPTS:-} $(( $(ticks "${PIDS[0]}") - a0 )) ticks, B ${B_OPTS:-} $(( $(ticks "${PIDS[1]}") - b0 )) ticks over ${WINDOW} s (CLK_TCK $(getconf CLK_TCK)); load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
measure "no connections"
python3 - "${ECHO[A]}" "${ECHO[B]}" "$CONNS" "$((WINDOW + 3))" <<'PY' &
import socket, sys, time
a, b, n, hold = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
socks = [socket.create_connection(("127.0.0.1", p)) for p in (a, b) for _ in range(n)]
time.sleep(hold)
PY
HOLDER=$!
sleep 2
measure "$CONNS idle connections each"
wait $HOLDER
