#!/usr/bin/env bash
# bench/memory.sh - memory of jselectors, Netty and nginx, measured on the same machine in one run.
#
#   bench/memory.sh [--quick]
#
# For each server in SERVERS:
#   idle    RSS IDLE_SECONDS after start, no client, with its anonymous part (RssAnon: what no
#           limit can reclaim) and the proportional set size (PSS, smaps_rollup: shared file pages
#           divided among the processes mapping them). jselectors: echo, chat, http and admin
#           listeners, default workers; netty: the bench's echo server (1 worker); nginx: 1 process.
#   a, e    peak RSS (VmHWM) under the shared scenarios a (echo, 100 connections, 64 B) and e (HTTP,
#           wrk -c100, pipelined 16 deep, GET /hello), 1 worker, through ../shared/bench/run.sh.
#           nginx has no echo: scenario a is "-" for it.
#   N conns RSS per idle connection at each N in CONNS: (RSS with N idle connections - RSS before)
#           / N, the connections opened by bench/idle_connections.py. Kernel socket memory is not
#           in the process's RSS: the growth of /proc/net/sockstat's "TCP ... mem" (pages) is shown
#           beside it (machine-wide: other sockets on the machine move it too). jselectors and
#           netty: also heap bytes per connection after a full GC (class histogram), and by class
#           in $OUT/NAME-conns-N-heap-by-class.txt (the largest printed as it runs).
# jselectors runs with the launcher's JVM flags (.mvn/jvm-options.sh) unless JVM_OPTS says others
# (JVM_OPTS=" " for the JVM's own defaults) and MALLOC_ARENA_MAX=2 as the launcher sets it.
#
# Options:
#   --quick   a smoke run of a few minutes: RUNS=1 DURATION=3 WARMUP=2 IDLE_SECONDS=10 CONNS=1000
#             (its figures are not for the README)
#
# Environment:
#   SERVERS="jselectors netty nginx"   which servers, in this order
#   CONNS="10000 19000"                connection counts (each needs N+100 file descriptors per side)
#   RUNS=3 DURATION=10 WARMUP=10       passed to run.sh for scenarios a and e
#   IDLE_SECONDS=10                    how long after start the idle RSS is read
#   SERVER_CPU=0 LOAD_CPU=1            cores for the server and the load
#   PORT=9300                          first of the four ports used (not 9100, the admin default)
#   JVM_OPTS                           jselectors' JVM flags instead of the launcher's
#   SKIP_BUILD=1                       use the jars already built
#   OUT                                results and logs (default: a new /tmp/memory.XXXXXX)
#   SHARED_BENCH=../shared/bench       the shared tools (relative to the repository root)
#
# Output: "idle", "conns" and run.sh's "summary" lines (in $OUT/results.txt), then a Markdown table.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=help.sh
. "$HERE/help.sh"
QUICK=0
case "${1:-}" in
    --quick) QUICK=1; shift ;;
esac
if [ $# -gt 0 ]; then
    echo "$0: unknown argument '$1' (only --quick; settings are environment variables; see --help)" >&2
    exit 2
fi
# shellcheck source=lib.sh
. "$HERE/lib.sh"
ROOT=$(cd "$HERE/.." && pwd)
SHARED=$(shared_bench "$ROOT") || exit 2
if [ $QUICK = 1 ]; then
    RUNS=${RUNS:-1} DURATION=${DURATION:-3} WARMUP=${WARMUP:-2} IDLE_SECONDS=${IDLE_SECONDS:-10} CONNS=${CONNS:-1000}
fi
RUNS=${RUNS:-3} DURATION=${DURATION:-10} WARMUP=${WARMUP:-10} IDLE_SECONDS=${IDLE_SECONDS:-10}
CONNS=${CONNS:-10000 19000}
SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
SERVERS=${SERVERS:-jselectors netty nginx}
PORT=${PORT:-9300}
OUT=${OUT:-$(mktemp -d /tmp/memory.XXXXXX)}
RESULTS=$OUT/results.txt
HOST=127.0.0.1
URL_PATH=/hello
export RUNS DURATION WARMUP SERVER_CPU LOAD_CPU URL_PATH
mkdir -p "$OUT"
: > "$RESULTS"

# shellcheck source=../.mvn/jdk.sh
. "$ROOT/.mvn/jdk.sh"
jselectors_find_jdk
JAVA=$JAVA_HOME/bin/java
JCMD=$JAVA_HOME/bin/jcmd
# shellcheck source=../.mvn/jvm-options.sh
. "$ROOT/.mvn/jvm-options.sh"
jselectors_jvm_defaults
JVM_FLAGS=${JVM_OPTS-${JSELECTORS_JVM_OPTIONS[*]}}
BENCH_JAR=$ROOT/bench/target/jselectors-bench.jar
SERVER_JAR=$ROOT/server/target/jselectors.jar
# Time for a server to settle after start or after the connections opened, before RSS is read.
SETTLE_SECONDS=5

wants() { [[ " $SERVERS " == *" $1 "* ]]; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    if wants netty; then
        echo "building the bench jar..." >&2
        (cd "$ROOT" && ./mvnw -B -q -ntp -pl bench -am package -DskipTests)
    fi
    if wants jselectors; then
        echo "building the jselectors server jar..." >&2
        (cd "$ROOT" && ./mvnw -B -q -ntp -pl server -am package -DskipTests)
    fi
fi
"$ROOT/scripts/install-bench-tools.sh"   # wrk, nginx, python3: idempotent
if wants nginx; then
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi

# nginx_conf PORT: a one-process nginx answering GET /hello on PORT, files under $OUT/nginx.
nginx_conf() {
    local dir=$OUT/nginx-$1
    mkdir -p "$dir/logs" "$dir/tmp"
    cat > "$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 20480;
error_log stderr warn;
pid $dir/nginx.pid;
events { worker_connections 20480; }
http {
    access_log off;
    client_body_temp_path $dir/tmp; proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp;
    uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
    server {
        listen $HOST:$1 reuseport;
        location / { default_type text/plain; return 200 "Hello, World!"; }
    }
}
CONF
    echo "$NGINX -p $dir -c $dir/nginx.conf"
}

# server_cmd NAME KIND PORT: the command running server NAME in the foreground; KIND is all
# (jselectors: every listener from PORT on), echo or http.
server_cmd() {
    local jvm="$JAVA --enable-native-access=ALL-UNNAMED $JVM_FLAGS"
    # With the launcher's flags, also its AOT cache (server/target/jselectors.aot, if `./jselectors
    # train` made it after the jar; JSELECTORS_AOT=off leaves it out).
    if [ -z "${JVM_OPTS+set}" ]; then
        jselectors_aot_options "$SERVER_JAR" serve
        jvm+=" ${JSELECTORS_AOT_OPTIONS[*]}"
    fi
    case $1:$2 in
        jselectors:all)
            echo "$jvm -jar $SERVER_JAR serve --listen echo=$HOST:$3 --listen chat=$HOST:$(($3 + 1))" \
                "--listen http=$HOST:$(($3 + 2)) --admin $HOST:$(($3 + 3)) --max-connections 20000" ;;
        jselectors:echo | jselectors:http)
            echo "$jvm -jar $SERVER_JAR serve --listen $2=$HOST:$3 --workers 1 --admin off --max-connections 20000" ;;
        netty:all | netty:echo)
            echo "$JAVA --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp $BENCH_JAR io.jselectors.bench.NettyEchoServer $3 1" ;;
        netty:http)
            echo "$JAVA --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp $BENCH_JAR io.jselectors.bench.NettyHttpServer $3 1" ;;
        nginx:all | nginx:http)
            nginx_conf "$3" ;;
        *) ;;
    esac
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# mib KIB: KiB as MiB with one decimal
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
rss_anon_kib() { awk '/^RssAnon/ {print $2}' "/proc/$1/status"; }
pss_kib() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }
tcp_mem_pages() { awk '$1 == "TCP:" {for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1)}' /proc/net/sockstat; }
is_java() { [[ $1 == jselectors* || $1 == netty* ]]; }
# heap_after_gc PID FILE: bytes of live objects after a full GC (the class histogram's total), or
# nothing; the histogram itself is kept in FILE.
heap_after_gc() {
    "$JCMD" "$1" GC.class_histogram > "$2" 2>/dev/null || true
    awk '$1 == "Total" {print $3}' "$2"
}
# heap_by_class BEFORE AFTER N: the heap bytes per connection each class grew by between two class
# histograms (classes growing by at least 1 B per connection, largest first), then their total.
heap_by_class() {
    awk -v n="$3" '
        $1 ~ /^[0-9]+:$/ { b = $3; name = $4; if (FILENAME == ARGV[1]) before[name] = b; else after[name] = b }
        END {
            for (c in after) { d = (after[c] - before[c]) / n; if (d >= 1) printf "%8.1f B  %s\n", d, c }
        }' "$1" "$2" | sort -rn
}

measure_idle() { # NAME
    local cmd
    cmd=$(server_cmd "$1" all "$PORT")
    [ -n "$cmd" ] || return 0
    start_server "$OUT/$1-idle.log" "$MALLOC_ENV $cmd"
    sleep "$IDLE_SECONDS"
    out "idle label=$1 rss_MiB=$(mib "$(rss_kib "$SERVER_PID")") rss_anon_MiB=$(mib "$(rss_anon_kib "$SERVER_PID")")" \
        "pss_MiB=$(mib "$(pss_kib "$SERVER_PID")") seconds=$IDLE_SECONDS"
    stop_server
}

measure_conns() { # NAME N
    local kind=echo cmd r0 r1 t0 t1 h0= h1= client
    [ "$1" = nginx ] && kind=http
    cmd=$(server_cmd "$1" "$kind" "$PORT")
    [ -n "$cmd" ] || return 0
    start_server "$OUT/$1-conns-$2.log" "$MALLOC_ENV $cmd"
    sleep "$SETTLE_SECONDS"
    if is_java "$1"; then h0=$(heap_after_gc "$SERVER_PID" "$OUT/$1-conns-$2-histo-before.txt"); sleep 1; fi
    r0=$(rss_kib "$SERVER_PID") t0=$(tcp_mem_pages)
    coproc CLIENT { exec python3 "$HERE/idle_connections.py" "$HOST" "$PORT" "$2" 600; }
    client=$CLIENT_PID
    if ! timeout 120 grep -q -m1 '^open' <&"${CLIENT[0]}"; then
        kill "$client" 2>/dev/null || true
        echo "the idle connections to $1 did not all open (see $OUT/$1-conns-$2.log)" >&2
        stop_server
        return 1
    fi
    sleep "$SETTLE_SECONDS"
    if is_java "$1"; then h1=$(heap_after_gc "$SERVER_PID" "$OUT/$1-conns-$2-histo-after.txt"); sleep 1; fi
    r1=$(rss_kib "$SERVER_PID") t1=$(tcp_mem_pages)
    kill "$client" 2>/dev/null || true
    wait "$client" 2>/dev/null || true
    local page heap=-
    page=$(getconf PAGESIZE)
    if [ -n "$h0" ] && [ -n "$h1" ]; then
        heap=$(((h1 - h0) / $2))
        heap_by_class "$OUT/$1-conns-$2-histo-before.txt" "$OUT/$1-conns-$2-histo-after.txt" "$2" \
            > "$OUT/$1-conns-$2-heap-by-class.txt"
        echo "heap per idle connection by class, $1, $2 connections ($OUT/$1-conns-$2-heap-by-class.txt):" >&2
        head -n 15 "$OUT/$1-conns-$2-heap-by-class.txt" >&2
    fi
    out "conns label=$1 n=$2 rss_before_MiB=$((r0 / 1024)) rss_after_MiB=$((r1 / 1024))" \
        "rss_per_conn_B=$(((r1 - r0) * 1024 / $2)) kernel_tcp_per_conn_B=$(((t1 - t0) * page / $2)) heap_per_conn_B=$heap"
    stop_server
}

measure_peak() { # NAME SCENARIO
    local mode=echo kind=echo cmd
    [ "$2" = e ] && mode=http kind=http
    [ "$1:$2" = nginx:a ] && return 0
    cmd=$(server_cmd "$1" "$kind" "$PORT")
    [ -n "$cmd" ] || return 0
    LABEL=$1 RESULTS=$RESULTS LOGDIR=$OUT "$SHARED/run.sh" "$mode" "$MALLOC_ENV $cmd" "$PORT" "$2" >&2
}

echo "memory: SERVERS='$SERVERS' CONNS='$CONNS' RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP" \
    "IDLE_SECONDS=$IDLE_SECONDS PORT=$PORT OUT=$OUT" >&2
echo "memory: jselectors JVM flags: $JVM_FLAGS" >&2
for name in $SERVERS; do
    case $name in
        jselectors) MALLOC_ENV="MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX" ;;
        netty | nginx) MALLOC_ENV= ;;
        *) echo "unknown server '$name' (known: jselectors netty nginx)" >&2; exit 2 ;;
    esac
    # run.sh and start_server run the command with exec: "env VAR=..." keeps that true.
    [ -n "$MALLOC_ENV" ] && MALLOC_ENV="env $MALLOC_ENV"
    echo "== $name" >&2
    measure_idle "$name"
    measure_peak "$name" a
    measure_peak "$name" e
    for n in $CONNS; do
        measure_conns "$name" "$n"
    done
done

# ---------------------------------------------------------------- table
echo
echo "Memory, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo);" \
    "RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP; loads pinned to core $LOAD_CPU, server to core $SERVER_CPU."
echo
printf '| server | idle RSS / RssAnon / PSS (MiB) | peak RSS a (MiB) | peak RSS e (MiB) |'
for n in $CONNS; do printf ' %s idle conns: RSS / kernel TCP / heap (B per conn) |' "$n"; done
printf '\n|---|---|---|---|'
for _ in $CONNS; do printf -- '---|'; done
echo
for name in $SERVERS; do
    line() { grep "^$1 label=$name " "$RESULTS" | grep -- "$2" | tail -n 1; }
    idle=$(field rss_MiB " $(line idle .)")
    [ -n "$idle" ] && idle="$idle / $(field rss_anon_MiB " $(line idle .)") / $(field pss_MiB " $(line idle .)")"
    pa=$(field peak_rss_MiB " $(line summary 'scenario=a ')")
    pe=$(field peak_rss_MiB " $(line summary 'scenario=e ')")
    printf '| %s | %s | %s | %s |' "$name" "${idle:--}" "${pa:--}" "${pe:--}"
    for n in $CONNS; do
        c=$(line conns "n=$n ")
        printf ' %s / %s / %s |' "$(field rss_per_conn_B " $c")" "$(field kernel_tcp_per_conn_B " $c")" \
            "$(field heap_per_conn_B " $c")"
    done
    echo
done
echo
echo "results and logs: $OUT" >&2
