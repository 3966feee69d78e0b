#!/usr/bin/env bash
# bench/toward-c.sh - issue #19's comparisons, each one ../shared/bench/pair.sh run (both servers
# warm at once, load in interleaved ABBA slices; server on core 0, load on core 1):
#
#   a b c   jselectors vs the C epoll echo server (../shared/bench/c/echo_server), 1 and 4 workers
#   a       jselectors vs Netty 4.2 echo (bench/NettyEchoServer), 1 worker
#   d e     jselectors vs Netty 4.2 HttpServerCodec (bench/NettyHttpServer), 1 worker
#   d e     jselectors vs nginx (bench/nginx-hello.sh), 1 worker
#   a d e   jselectors with 4 workers vs itself with 1 (per-op cost must not grow with loops)
#   d       the same for Netty 4.2 (its event loops, 4 against 1)
#   d e     the floor of that: a plain C HTTP server (bench/src/main/c/http_loops.c) with 4 loop
#           threads vs itself with 1, both on the one server core (what the kernel charges any
#           server for loops that take turns on a CPU)
#
# Every pair.sh summary line goes to RESULTS (default bench/target/toward-c.txt) with the load
# average before and after it, and the exact commands to stdout. Needs the server and bench jars
# (SKIP_BUILD=1 uses those already built); installs wrk, gcc and nginx if missing
# (scripts/install-bench-tools.sh, Debian packages).
# Environment: PAIRS (8), SLICE (4), SERVER_JAR / BENCH_JAR (the built ones), ONLY="a-c d-netty ..." to run some of the runs only
# (names: a-c b-c c-c a-c-4w b-c-4w c-c-4w a-netty d-netty e-netty d-nginx e-nginx a-4v1 d-4v1 e-4v1
# d-netty4v1 d-c4v1 e-c4v1).
# About 2 minutes per run, ~30 minutes in all; run it on a quiet machine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PAIR=$ROOT/../shared/bench/pair.sh
RESULTS=${RESULTS:-$ROOT/bench/target/toward-c.txt}
export PAIRS=${PAIRS:-8} SLICE=${SLICE:-4}
. "$ROOT/.mvn/jdk.sh"; jselectors_find_jdk
J="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED"
SERVER_JAR=${SERVER_JAR:-$ROOT/server/target/jselectors.jar} BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/jselectors-bench.jar}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    (cd "$ROOT" && ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests)
fi
"$ROOT/scripts/install-bench-tools.sh"   # wrk, gcc, nginx, strace, perf: idempotent
mkdir -p "$(dirname "$RESULTS")"
CBIN=$ROOT/../shared/bench/c
if [ ! -x "$CBIN/echo_server" ]; then
    CBIN=/tmp/bench-c; mkdir -p "$CBIN"; cp "$ROOT"/../shared/bench/c/*.c "$ROOT"/../shared/bench/c/Makefile "$CBIN"/
    make -s -C "$CBIN"
fi
HTTP_LOOPS=$(mktemp /tmp/http_loops.XXXXXX)
trap 'rm -f "$HTTP_LOOPS"' EXIT
gcc -O2 -pthread -o "$HTTP_LOOPS" "$ROOT/bench/src/main/c/http_loops.c"

ours() { # PROTOCOL PORT WORKERS
    echo "$J -jar $SERVER_JAR serve --listen $1=127.0.0.1:$2 --workers $3 --admin off"; }
netty() { # CLASS PORT [LOOPS]
    echo "$J --sun-misc-unsafe-memory-access=allow -cp $BENCH_JAR io.jselectors.bench.$1 $2 ${3:-1}"; }
free_port() { python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
run() { # NAME SCENARIO LABEL_A CMD_A LABEL_B CMD_B (@A@ and @B@ in a command: its port, a free one per run)
    if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $1 "* ]]; then return 0; fi
    local pa pb a b; pa=$(free_port); pb=$(free_port)
    while [ "$pb" = "$pa" ]; do pb=$(free_port); done
    a=${4//@A@/$pa} b=${6//@B@/$pb}
    echo "# $1: LABEL_A=$3 LABEL_B=$5 URL_PATH_A=/hello URL_PATH_B=/hello $PAIR $2 \"$a\" $pa \"$b\" $pb"
    echo "# $1 load before: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS"
    LABEL_A=$3 LABEL_B=$5 URL_PATH_A=/hello URL_PATH_B=/hello RESULTS=$RESULTS "$PAIR" "$2" "$a" "$pa" "$b" "$pb" | grep '^pair '
    echo "# $1 load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS"
}

for s in a b c; do
    run "$s-c" $s c "$CBIN/echo_server @A@" jselectors "$(ours echo @B@ 1)"
    run "$s-c-4w" $s c "$CBIN/echo_server @A@" jselectors4 "$(ours echo @B@ 4)"
done
run a-netty a netty "$(netty NettyEchoServer @A@)" jselectors "$(ours echo @B@ 1)"
for s in d e; do
    run "$s-netty" $s netty "$(netty NettyHttpServer @A@)" jselectors "$(ours http @B@ 1)"
    run "$s-nginx" $s nginx "$ROOT/bench/nginx-hello.sh @A@ 1" jselectors "$(ours http @B@ 1)"
done
run a-4v1 a jselectors1 "$(ours echo @A@ 1)" jselectors4 "$(ours echo @B@ 4)"
run d-4v1 d jselectors1 "$(ours http @A@ 1)" jselectors4 "$(ours http @B@ 4)"
run e-4v1 e jselectors1 "$(ours http @A@ 1)" jselectors4 "$(ours http @B@ 4)"
run d-netty4v1 d netty1 "$(netty NettyHttpServer @A@ 1)" netty4 "$(netty NettyHttpServer @B@ 4)"
run d-c4v1 d c1 "$HTTP_LOOPS @A@ 1" c4 "$HTTP_LOOPS @B@ 4"
run e-c4v1 e c1 "$HTTP_LOOPS @A@ 1" c4 "$HTTP_LOOPS @B@ 4"
echo "results in $RESULTS"
