#!/usr/bin/env bash
# bench/loop-ab.sh SCENARIO - one server jar (or two) with two sets of JVM options under the same
# plaintext load, interleaved by ../shared/bench/pair.sh: the A/B of a loop setting such as
# -Djselectors.edgeTriggered, without another server in between. SCENARIO is pair.sh's (a b c:
# echo; d e: http /hello).
#
#   A_JAR, B_JAR      server jars (default both server/target/jselectors.jar)
#   A_OPTS, B_OPTS    JVM options of each side, e.g. B_OPTS=-Djselectors.edgeTriggered=false
#   WORKERS           --workers of both sides (1); 4 for the more-loops-than-CPUs case
#   PAIRS, SLICE, WARMUP, RESULTS as pair.sh
#
# The "pair" line's us_per_op_ratio is B / A: below 1, B spends less server CPU per op.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-bench-tools.sh   # wrk, gcc: idempotent
ROOT=$(pwd)
SC=${1:-d}
case $SC in a|b|c) PROTO=echo ;; d|e) PROTO=http ;; *) echo "unknown scenario $SC (a b c d e)" >&2; exit 2 ;; esac
# shellcheck source=../.mvn/jdk.sh
. .mvn/jdk.sh; jselectors_find_jdk
A_JAR=${A_JAR:-$ROOT/server/target/jselectors.jar} B_JAR=${B_JAR:-$ROOT/server/target/jselectors.jar}
for jar in "$A_JAR" "$B_JAR"; do
    [ -f "$jar" ] || { echo "loop-ab.sh: missing jar '$jar'; run ./mvnw -B -q -ntp -pl server -am package -DskipTests" >&2; exit 2; }
done
WORKERS=${WORKERS:-1}
free_port() { python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
pa=$(free_port); pb=$(free_port)
while [ "$pb" = "$pa" ]; do pb=$(free_port); done
side() { # JAR OPTS PORT
    echo "$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED $2 -jar $1 serve --listen $PROTO=127.0.0.1:$3 --workers $WORKERS --admin off"
}
echo "# $SC, $WORKERS worker(s): A=$A_JAR ${A_OPTS:-} B=$B_JAR ${B_OPTS:-}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
LABEL_A=${LABEL_A:-A} LABEL_B=${LABEL_B:-B} URL_PATH_A=/hello URL_PATH_B=/hello \
    "$ROOT/../shared/bench/pair.sh" "$SC" "$(side "$A_JAR" "${A_OPTS:-}" $pa)" $pa "$(side "$B_JAR" "${B_OPTS:-}" $pb)" $pb
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
