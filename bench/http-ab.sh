#!/usr/bin/env bash
# bench/http-ab.sh [d|e] - two of our server builds under the same plaintext HTTP load (d by default:
# wrk -t1 -c100 on /hello; e: pipelined 16), interleaved with ../shared/bench/pair.sh: a before/after
# of a change on the request path, without Netty in between. Both sides run with the launcher's
# JVM flags (.mvn/jvm-options.sh, as ./jselectors starts the server; no AOT cache) and
# `serve --listen http=... --workers 1 --admin off`.
#
#   A_JAR, B_JAR      the server jars (default both server/target/jselectors.jar); copy main's
#                     aside first to compare it with this branch
#   A_OPTS, B_OPTS    extra JVM options of each side (after the launcher's)
#   PAIRS, SLICE, WARMUP, RESULTS as pair.sh; ports BASE_PORT (27580) +1, +2.
#
# The "pair" line's us_per_op_ratio is B / A: below 1, B spends less server CPU per request.
set -euo pipefail
# shellcheck source=help.sh
. "$(dirname "${BASH_SOURCE[0]}")/help.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-bench-tools.sh   # wrk, gcc: idempotent
ROOT=$(pwd)
SC=${1:-d}
case $SC in
    d|e) ;;
    *) echo "unknown scenario $SC (d e)" >&2; exit 2 ;;
esac
# shellcheck source=../.mvn/jdk.sh
. .mvn/jdk.sh; jselectors_find_jdk
# shellcheck source=../.mvn/jvm-options.sh
. .mvn/jvm-options.sh; jselectors_jvm_defaults
FLAGS=""
for f in "${JSELECTORS_JVM_OPTIONS[@]}"; do
    FLAGS="$FLAGS '$f'" # quoted: pair.sh runs the command through bash -c, and some flags hold '*'
done
A_JAR=${A_JAR:-$ROOT/server/target/jselectors.jar} B_JAR=${B_JAR:-$ROOT/server/target/jselectors.jar}
for jar in "$A_JAR" "$B_JAR"; do
    [ -f "$jar" ] || { echo "http-ab.sh: missing jar '$jar'; run ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests" >&2; exit 2; }
done
port=${BASE_PORT:-27580} pa=$((port + 1)) pb=$((port + 2))
side() { # JAR OPTS PORT
    echo "$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED$FLAGS $2 -jar $1 serve --listen http=127.0.0.1:$3 --workers 1 --admin off"
}
export LABEL_A=${LABEL_A:-A} LABEL_B=${LABEL_B:-B} URL_PATH_A=/hello URL_PATH_B=/hello
echo "# $SC: A=$A_JAR ${A_OPTS:-} B=$B_JAR ${B_OPTS:-}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
../shared/bench/pair.sh "$SC" "$(side "$A_JAR" "${A_OPTS:-}" $pa)" $pa "$(side "$B_JAR" "${B_OPTS:-}" $pb)" $pb
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
