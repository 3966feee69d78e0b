#!/usr/bin/env bash
# bench/http-handler-cost.sh [JAR...] - what the HTTP layer alone costs per pipelined /hello request
# (scenario e's requests, 16 per read), for each server jar given (default: server/target/jselectors.jar),
# run alternately ROUNDS times: the thread CPU ns per request of HttpHandler.onRead on a connection
# that takes everything (handler), and of the RequestDecoder alone (decode). No socket, no kernel,
# no loop: the handler's share of e, comparable between two builds on a busy machine because it is
# CPU time of one thread and the builds alternate. Pinned to LOAD_CPU (1), as a load would be.
#
#   bench/http-handler-cost.sh base.jar server/target/jselectors.jar
#
# Needs protocols/http's test classes (HandlerCost), compiled here unless SKIP_BUILD=1.
# Environment: ROUNDS (3 alternations), PASSES (10 rounds of 2 M requests per run; the last 4 count),
# CONNECTIONS (100, answered in turn as wrk's are: each has its own parser state), DEPTH (16 requests
# per read, e's; 1 is d's), LOAD_CPU, POLLUTE_KB (0; above 0, each read is followed by a walk over that
# many KiB of other memory, as the server's kernel work for the other connections comes between two
# reads of one connection, and the figure is the median read's wall time: the layer with its
# per-connection objects cold, as in the server; this VM does not report its cache sizes, 1024 was used),
# HEAD (wrk: wrk's two-line request; browser: a browser's ~700-byte head with 15 fields).
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/.mvn/jdk.sh"; jselectors_find_jdk
ROUNDS=${ROUNDS:-3} PASSES=${PASSES:-10} CONNECTIONS=${CONNECTIONS:-100} DEPTH=${DEPTH:-16} LOAD_CPU=${LOAD_CPU:-1}
[ $# -gt 0 ] || set -- "$ROOT/server/target/jselectors.jar"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    (cd "$ROOT" && nice -n 10 ./mvnw -B -q -ntp -pl protocols/http -am test-compile)
fi
TESTS=$ROOT/protocols/http/target/test-classes:$ROOT/protocols/protocol-testkit/target/classes
for mode in handler decode; do
    for r in $(seq "$ROUNDS"); do
        for jar in "$@"; do
            ns=$(taskset -c "$LOAD_CPU" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$TESTS:$jar" \
                io.jselectors.protocol.http.HandlerCost "$mode" "$PASSES" "$CONNECTIONS" "$DEPTH" "${POLLUTE_KB:-0}" "${HEAD:-wrk}" | awk '/^round/ {print $3}' | tail -n 4 | sort -n | tr '\n' ' ')
            echo "$mode $jar run $r: ns per request (last 4 rounds, sorted) $ns load $(cut -d' ' -f1 /proc/loadavg)"
        done
    done
done
