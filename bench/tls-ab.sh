#!/usr/bin/env bash
# bench/tls-ab.sh [SCENARIO] - two of our server builds (or one build with two sets of JVM options)
# under the same TLS load (tls-hs by default; tls-a, tls-c, tls-h, tls-hp, tls-d, tls-e), interleaved
# with pair-load.sh: a before/after of a TLS change, or of a setting such as the loops' and task
# threads' SCHED_BATCH, without Netty in between. Each side is `serve --workers 1 --admin off` with
# one development certificate, as in tls-ws-compare.sh (http+tls, or echo+tls for tls-a and tls-c).
#
#   A_JAR, B_JAR      the server jars (default both server/target/jselectors.jar); copy main's
#                     aside first to compare it with this branch
#   A_OPTS, B_OPTS    JVM options of each side, e.g. A_OPTS=-Djselectors.batchScheduling=false
#   PAIRS, SLICE, WARMUP, RESULTS, BENCH_JAR as pair-load.sh; ports BASE_PORT (27560) +1, +2.
#
# The "pair" line's us_per_op_ratio is B / A: below 1, B spends less server CPU per operation
# (for tls-hs, per full handshake); ops_ratio above 1, B completes more of them per second.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SC=${1:-tls-hs}
case $SC in
    tls-d|tls-e|tls-h|tls-hp|tls-hs) PROTO=http ;;
    tls-a|tls-c) PROTO=echo ;;
    *) echo "unknown scenario $SC (tls-hs tls-a tls-c tls-h tls-hp tls-d tls-e)" >&2; exit 2 ;;
esac
# shellcheck source=../.mvn/jdk.sh
. .mvn/jdk.sh; jselectors_find_jdk
export JAVA=$JAVA_HOME/bin/java
A_JAR=${A_JAR:-$ROOT/server/target/jselectors.jar} B_JAR=${B_JAR:-$ROOT/server/target/jselectors.jar}
for jar in "$A_JAR" "$B_JAR"; do
    [ -f "$jar" ] || { echo "tls-ab.sh: missing jar '$jar'; run ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests" >&2; exit 2; }
done
WORK=$(mktemp -d /tmp/tls-ab.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$A_JAR" cert --out "$WORK/cert" --host localhost > /dev/null
export CACERT=$WORK/cert/cert.pem
port=${BASE_PORT:-27560} pa=$((port + 1)) pb=$((port + 2))
side() { # JAR OPTS PORT
    echo "$JAVA --enable-native-access=ALL-UNNAMED $2 -jar $1 serve --workers 1 --admin off --listen $PROTO+tls=127.0.0.1:$3 --tls-cert $WORK/cert/cert.pem --tls-key $WORK/cert/key.pem"
}
export LABEL_A=${LABEL_A:-A} LABEL_B=${LABEL_B:-B}
echo "# $SC: A=$A_JAR ${A_OPTS:-} B=$B_JAR ${B_OPTS:-}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
bench/pair-load.sh "$SC" "$(side "$A_JAR" "${A_OPTS:-}" $pa)" $pa "$(side "$B_JAR" "${B_OPTS:-}" $pb)" $pb
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
