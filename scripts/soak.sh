#!/usr/bin/env bash
# Soak test: scripts/soak.sh DURATION   (e.g. 90s, 10m; at most 2h)
#
# Starts one `jselectors serve` (echo, chat, http and the admin listener on free 127.0.0.1 ports),
# runs echo, chat and HTTP load plus a steady trickle of hostile connections against it
# (scripts/soak_load.py: CRLF drip, slowloris, body drip, stalled 1 MiB body, invalid Host,
# smuggling, resets, half-closes, silent chat users) for DURATION, and every 10 s prints one row:
# RSS, open fds, netty's direct memory in use and the heap after a full GC. After warm-up all four
# should stay flat. Ends with the load's summary and the server's closed-by-cause counts; exits 1
# if the server died, 2 on bad usage. Everything is bounded: the load stops itself, the server is
# stopped with SIGTERM (then SIGKILL after 30 s).
#
# Server timers are shortened so that hostile connections come and go during a short run:
# --idle-timeout 20s, http header-timeout and body-timeout 5s. JSELECTORS_JAVA_OPTS is passed on.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() { echo "usage: scripts/soak.sh DURATION   (e.g. 90s or 10m)" >&2; exit 2; }
[ $# -eq 1 ] || usage
case "$1" in
    *s) seconds=${1%s} ;;
    *m) seconds=$(( ${1%m} * 60 )) ;;
    *h) seconds=$(( ${1%h} * 3600 )) ;;
    *) seconds=$1 ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 10 ] && [ "$seconds" -le 7200 ] || usage
SAMPLE_EVERY=10

# shellcheck source=../.mvn/jdk.sh
. .mvn/jdk.sh
jselectors_find_jdk || exit 1
command -v python3 >/dev/null || { echo "soak.sh: needs python3 for the load" >&2; exit 2; }
command -v curl >/dev/null || { echo "soak.sh: needs curl (scripts/install-test-tools.sh)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")
log="$work/server.log"
./jselectors serve --listen echo=127.0.0.1:0 --listen chat=127.0.0.1:0 --listen http=127.0.0.1:0 \
    --admin 127.0.0.1:0 --idle-timeout 20s --max-connections 2000 \
    --option http.header-timeout=5s --option http.body-timeout=5s >"$log" 2>&1 &
server=$!
load=""
cleanup() {
    [ -n "$load" ] && kill "$load" 2>/dev/null || true
    if kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$server" 2>/dev/null || break; sleep 1; done
        kill -KILL "$server" 2>/dev/null || true
    fi
}
trap cleanup EXIT

port() { sed -n "s/.*listening: $1 on 127\.0\.0\.1:\([0-9]*\).*/\1/p" "$log" | head -n 1; }
for _ in $(seq 1 240); do
    [ -n "$(port http)" ] && [ -n "$(port admin)" ] && break
    kill -0 "$server" 2>/dev/null || { echo "soak.sh: the server did not start:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.5
done
pid=$(pgrep -P "$server" java || echo "$server") # ./jselectors execs java, so usually the same pid
metrics="http://127.0.0.1:$(port admin)/metrics"
echo "soak: $1 against pid $pid (echo $(port echo), chat $(port chat), http $(port http)); log $log" >&2

python3 scripts/soak_load.py 127.0.0.1 "$(port echo)" "$(port chat)" "$(port http)" "$seconds" >"$work/load.out" 2>&1 &
load=$!

metric_sum() { # sum of the samples of metric $1 whose labels contain $2
    curl -s --max-time 5 "$metrics" | awk -v m="$1" -v l="$2" '$1 ~ "^"m"[{ ]" && index($1, l) { s += $NF } END { printf "%.0f", s }'
}
printf '%6s %10s %6s %12s %14s\n' "t_s" "rss_MiB" "fds" "direct_MiB" "heap_gc_MiB"
start=$(date +%s)
while :; do
    now=$(( $(date +%s) - start ))
    kill -0 "$server" 2>/dev/null || { echo "soak.sh: the server died" >&2; tail -n 20 "$log" >&2; exit 1; }
    rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo "?")
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    direct=$(metric_sum netty_allocator_memory_used_bytes 'memory_type="direct"')
    "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null 2>&1 || true
    heap=$(metric_sum jvm_memory_used_bytes 'area="heap"')
    awk -v t="$now" -v r="$rss" -v f="$fds" -v d="$direct" -v h="$heap" \
        'BEGIN { printf "%6d %10s %6d %12.1f %14.1f\n", t, r, f, d / 1048576, h / 1048576 }'
    [ "$now" -ge "$seconds" ] && break
    next=$(( (now / SAMPLE_EVERY + 1) * SAMPLE_EVERY )) # on the 10 s grid, whatever a sample took
    [ "$next" -gt "$seconds" ] && next=$seconds
    sleep $(( next - now > 0 ? next - now : 1 ))
done
wait "$load" || true
load=""
cat "$work/load.out"
echo "closed connections by cause:"
curl -s --max-time 5 "$metrics" | awk '/^jselectors_connections_closed_total\{/ && $NF > 0 {
    match($0, /cause="[^"]*"/); c = substr($0, RSTART + 7, RLENGTH - 8)
    match($0, /protocol="[^"]*"/); p = substr($0, RSTART + 10, RLENGTH - 11); printf "  %-6s %-12s %d\n", p, c, $NF }'
grep -cE 'Exception|\bat [a-z]+\.' "$log" >/dev/null && echo "soak: the server log has stack traces: $log" >&2 || true
