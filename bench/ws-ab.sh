#!/usr/bin/env bash
# bench/ws-ab.sh [SCENARIO] - two of our server builds (or one build with two sets of JVM options)
# under the same WebSocket echo load (ws-1 by default; ws-16, ws-1b, ws-16b), interleaved with
# pair-load.sh: a before/after of a WebSocket change, or of a loop setting such as edge-triggered
# epoll, without Netty in between. Each side is `serve --workers 1 --admin off` with the wsecho
# plugin on an http listener, as in tls-ws-compare.sh.
#
#   A_JAR, B_JAR      the server jars (default both server/target/jselectors.jar); copy main's
#                     aside first to compare it with this branch
#   A_PLUGIN, B_PLUGIN  the wsecho plugin jars (default bench/target/bench-*-wsecho-plugin.jar)
#   A_OPTS, B_OPTS    JVM options of each side, e.g. B_OPTS=-Djselectors.edgeTriggered=true
#   PAIRS, SLICE, WARMUP, RESULTS, BENCH_JAR as pair-load.sh; ports BASE_PORT (27500) +1, +2.
#
# The "pair" line's us_per_op_ratio is B / A: below 1, B spends less server CPU per message.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SC=${1:-ws-1}
case $SC in ws-1|ws-16|ws-1b|ws-16b) ;; *) echo "unknown scenario $SC (ws-1 ws-16 ws-1b ws-16b)" >&2; exit 2 ;; esac
# shellcheck source=../.mvn/jdk.sh
. .mvn/jdk.sh; jselectors_find_jdk
export JAVA=$JAVA_HOME/bin/java
PLUGIN=$(ls "$ROOT"/bench/target/bench-*-wsecho-plugin.jar 2>/dev/null | head -n 1 || true)
A_JAR=${A_JAR:-$ROOT/server/target/jselectors.jar} B_JAR=${B_JAR:-$ROOT/server/target/jselectors.jar}
A_PLUGIN=${A_PLUGIN:-$PLUGIN} B_PLUGIN=${B_PLUGIN:-$PLUGIN}
for jar in "$A_JAR" "$B_JAR" "$A_PLUGIN" "$B_PLUGIN"; do
    [ -f "$jar" ] || { echo "ws-ab.sh: missing jar '$jar'; run ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests" >&2; exit 2; }
done
WORK=$(mktemp -d /tmp/ws-ab.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/a" "$WORK/b" && cp "$A_PLUGIN" "$WORK/a/" && cp "$B_PLUGIN" "$WORK/b/"
port=${BASE_PORT:-27500} pa=$((port + 1)) pb=$((port + 2))
side() { # JAR OPTS PLUGINS PORT
    echo "$JAVA --enable-native-access=ALL-UNNAMED $2 -jar $1 serve --workers 1 --admin off --plugins $3 --listen http=127.0.0.1:$4"
}
export LABEL_A=${LABEL_A:-A} LABEL_B=${LABEL_B:-B}
echo "# $SC: A=$A_JAR ${A_OPTS:-} B=$B_JAR ${B_OPTS:-}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
bench/pair-load.sh "$SC" "$(side "$A_JAR" "${A_OPTS:-}" "$WORK/a" $pa)" $pa "$(side "$B_JAR" "${B_OPTS:-}" "$WORK/b" $pb)" $pb
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
