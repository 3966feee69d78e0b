#!/usr/bin/env bash
# bench/tls-ws-compare.sh - jselectors against Netty 4.2 over TLS and WebSocket, with pair-load.sh.
#
#   ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests
#   bench/tls-ws-compare.sh [SCENARIO...]     # default: tls-d tls-e tls-h tls-hp tls-hs tls-a tls-c ws-1 ws-16
#
# One development certificate (jselectors cert, ECDSA P-256) for both servers. A is Netty (bench's
# NettyTlsServer: SslHandler on SslProvider.JDK; NettyWebSocketServer: WebSocketServerProtocolHandler),
# B is ours (serve --workers 1 --admin off: echo+tls, http+tls, and for WebSocket the bench plugin
# wsecho, a WebSocket endpoint plugin on /echo of an http listener). Both one worker, pinned to core 0,
# load on core 1. PAIRS, SLICE, WARMUP, RESULTS as pair-load.sh; ports BASE_PORT (27400) to +99 must be free;
# SERVER_JAR, BENCH_JAR, PLUGIN_JAR name other jars (e.g. copies, so a rebuild cannot change them mid-run).
# Prints pair-load.sh's lines; the "pair" lines are the verdicts.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
# shellcheck source=../.mvn/jdk.sh
. .mvn/jdk.sh; jselectors_find_jdk
export JAVA=$JAVA_HOME/bin/java
SERVER_JAR=${SERVER_JAR:-$ROOT/server/target/jselectors.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/jselectors-bench.jar}
PLUGIN_JAR=${PLUGIN_JAR:-$(ls "$ROOT"/bench/target/bench-*-wsecho-plugin.jar 2>/dev/null | head -n 1 || true)}
for jar in "$SERVER_JAR" "$BENCH_JAR" "$PLUGIN_JAR"; do
    [ -f "$jar" ] || { echo "tls-ws-compare.sh: missing jar; run ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests" >&2; exit 2; }
done
WORK=$(mktemp -d /tmp/tls-ws-compare.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$SERVER_JAR" cert --out "$WORK/cert" --host localhost > /dev/null
mkdir "$WORK/plugins" && cp "$PLUGIN_JAR" "$WORK/plugins/"
CERT=$WORK/cert/cert.pem KEY=$WORK/cert/key.pem
export CACERT=$CERT LABEL_A=netty LABEL_B=jselectors BENCH_JAR

NETTY="$JAVA --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp $BENCH_JAR io.jselectors.bench"
OURS="$JAVA --enable-native-access=ALL-UNNAMED -jar $SERVER_JAR serve --workers 1 --admin off"
TLS="--tls-cert $CERT --tls-key $KEY"
port=${BASE_PORT:-27400}
for sc in "${@:-tls-d tls-e tls-h tls-hp tls-hs tls-a tls-c ws-1 ws-16}"; do
    for s in $sc; do
        pa=$((port + 1)) pb=$((port + 2)); port=$((port + 2))
        case $s in
            tls-d|tls-e|tls-h|tls-hp|tls-hs) a="$NETTY.NettyTlsServer http $pa $CERT $KEY 1" b="$OURS --listen http+tls=127.0.0.1:$pb $TLS" ;;
            tls-a|tls-c) a="$NETTY.NettyTlsServer echo $pa $CERT $KEY 1" b="$OURS --listen echo+tls=127.0.0.1:$pb $TLS" ;;
            ws-*) a="$NETTY.NettyWebSocketServer $pa 1" b="$OURS --plugins $WORK/plugins --listen http=127.0.0.1:$pb" ;;
            *) echo "unknown scenario $s" >&2; exit 2 ;;
        esac
        echo "# $s: load average $(cut -d' ' -f1-3 /proc/loadavg)"
        bench/pair-load.sh "$s" "$a" "$pa" "$b" "$pb"
    done
done
