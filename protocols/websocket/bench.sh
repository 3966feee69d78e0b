#!/usr/bin/env bash
# protocols/websocket/bench.sh [RUNS] - what the WebSocket path costs per echoed 64-byte message in
# user space, without a socket (EchoPathTiming: ws-1, ws-1b, ws-16, ws-16b through WebSocketHandler
# to the bench plugin's echo, on a FastThreadLocalThread with the server's pooled allocator):
# nanoseconds per message (median of 15 rounds) and bytes allocated per message.
#
# With CLASSES_A=DIR (another build's protocols/websocket/target/classes, e.g. main's copied aside)
# it runs that build and this one alternately, RUNS times each (default 3), each in a fresh JVM
# pinned to CPU (0), so a busy machine's drift falls on both alike; compare the lines labelled A and
# B. SKIP_BUILD=1 uses what is compiled. Never run by `./mvnw verify`.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"
mod="$top/protocols/websocket"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    ./mvnw -B -q -ntp -pl protocols/websocket -am test-compile dependency:build-classpath \
        -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
fi
# shellcheck source=../../.mvn/jdk.sh
. "$top/.mvn/jdk.sh"
jselectors_find_jdk
deps=$(cat "$mod/target/bench.classpath")
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# one LABEL CLASSES: one JVM of EchoPathTiming over that build's classes.
one() {
    taskset -c "${CPU:-0}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dio.netty.leakDetection.level=disabled ${EVICT_KIB:+-DevictKiB=$EVICT_KIB} \
        -cp "$mod/target/test-classes:$2:$deps" io.jselectors.protocol.websocket.bench.EchoPathTiming | sed "s/^/$1 /"
}
if [ -z "${CLASSES_A:-}" ]; then
    one B "$mod/target/classes"
    exit
fi
for _ in $(seq "${1:-3}"); do
    one A "$CLASSES_A"
    one B "$mod/target/classes"
done
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
