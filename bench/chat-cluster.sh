#!/usr/bin/env bash
# bench/chat-cluster.sh - one chat room of MEMBERS users, one sender at RATE lines/s for SECONDS:
# a single instance alone, then three instances joined by NATS, then by Redis (all on this machine,
# 127.0.0.1, free ports). Prints one Markdown table row per run: delivered lines/s, p50/p99/max
# sender-to-receiver latency (p99 also for the members on the sender's instance and for those on the
# others: the difference is what crossing the broker costs), and the CPU used by the broker, the
# instances and the load tool itself (in % of one core; they all share the machine).
#
#   ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests
#   bench/chat-cluster.sh [SECONDS=20] [MEMBERS=1000] [RATE=250] [WORKERS=1]
#
# The instances run with the flags the server ships with (.mvn/jvm-options.sh, as ./jselectors and
# the image do: Serial GC, a 64 MiB heap, two JIT threads); JSELECTORS_JVM_DEFAULTS=none gives the
# JVM's own defaults instead (G1, a quarter of the machine), JSELECTORS_JAVA_OPTS adds flags after them.
#
# ONLY=single|nats|redis runs one setup; THREADS=1 also prints, per process, the threads that used
# the most CPU over the sending window (from /proc/PID/task, to see where the time goes).
#
# RATE x MEMBERS is the delivery rate asked for (250 x 1000 = 250,000/s). Run it on a quiet machine;
# brokers come from scripts/install-brokers.sh; every process started here is stopped by its PID.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${1:-20}
MEMBERS=${2:-1000}
RATE=${3:-250}
WORKERS=${4:-1}
SERVER_JAR=server/target/jselectors.jar
BENCH_JAR=bench/target/jselectors-bench.jar
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)/bin/java}
[ -x "$JAVA" ] || JAVA=java
for jar in "$SERVER_JAR" "$BENCH_JAR"; do
    [ -f "$jar" ] || { echo "chat-cluster.sh: no $jar: ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests" >&2; exit 2; }
done
scripts/install-brokers.sh

PIDS=()
WORK=$(mktemp -d)
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    local p
    while true; do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
}
wait_port() {
    local i
    for i in $(seq 1 600); do # a JVM on a busy machine can take a while
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "chat-cluster.sh: nothing listens on $1 (see $WORK)" >&2
    exit 1
}
# shellcheck source=../.mvn/jvm-options.sh
. .mvn/jvm-options.sh
jselectors_jvm_defaults
instance() { # PORT [CLUSTER_URL] -> PID in $LAST
    local args=(serve --listen "chat=127.0.0.1:$1" --admin off --workers "$WORKERS")
    [ -n "${2:-}" ] && args+=(--cluster "$2" --cluster-name bench)
    # shellcheck disable=SC2086 # JSELECTORS_JAVA_OPTS is a list of flags
    "$JAVA" --enable-native-access=ALL-UNNAMED "${JSELECTORS_JVM_OPTIONS[@]}" ${JSELECTORS_JAVA_OPTS:-} -jar "$SERVER_JAR" "${args[@]}" \
        >"$WORK/instance-$1.log" 2>&1 &
    LAST=$!
    PIDS+=("$LAST")
    wait_port "$1"
}

# run LABEL BROKER_PID|- INSTANCE_PIDS ADDRESSES: the load tool reads the CPU time of the broker and
# the instances from /proc itself, over its sending window only.
run() {
    local label=$1 broker=$2 instances=$3 addresses=$4 out
    sleep 2 # let the instances reach the broker
    local threads_pid=
    if [ "${THREADS:-0}" = 1 ]; then
        thread_cpu "$broker $instances" >&2 &
        threads_pid=$!
    fi
    out=$("$JAVA" -cp "$BENCH_JAR" io.jselectors.bench.ChatClusterLoad "$addresses" "$MEMBERS" "$RATE" "$DURATION" \
        "$broker" "$(echo "$instances" | tr ' ' ,)")
    [ -n "$threads_pid" ] && wait "$threads_pid"
    [ "${THREADS:-0}" = 1 ] && echo "$out" >&2
    field() { echo "$out" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    local others=-
    [ "$broker" = - ] || others=$(field other_p99_ms)
    printf '| %s | %s | %s | %s | %s / %s | %s | %s | %s %% | %s %% | %s %% |\n' "$label" "$(field delivered_per_s)" \
        "$(field p50_ms)" "$(field p99_ms)" "$(field same_p99_ms)" "$others" "$(field max_ms)" \
        "$(field delivered)/$(field expected)" "$(field broker_cpu_pct)" "$(field servers_cpu_pct)" "$(field load_cpu_pct)"
}

thread_ticks() { # PID -> "TID NAME TICKS" per thread
    local t
    for t in /proc/"$1"/task/*; do
        awk -v tid="${t##*/}" '{ s = $0; sub(/^[^(]*\(/, "", s); name = s; sub(/\).*/, "", name);
            sub(/^[^)]*\) /, "", s); split(s, f, " "); print tid, name, f[12] + f[13] }' "$t/stat" 2>/dev/null || true
    done
}
thread_cpu() { # "PIDS": CPU per thread over the sending window (settle 3 s, then DURATION s)
    local pid
    sleep 3
    for pid in $1; do [ "$pid" = - ] || thread_ticks "$pid" >"$WORK/threads0-$pid"; done
    sleep "$DURATION"
    for pid in $1; do
        [ "$pid" = - ] && continue
        thread_ticks "$pid" | awk -v d="$DURATION" -v pid="$pid" 'NR == FNR { t0[$1] = $NF; next }
            { n = $2; for (i = 3; i < NF; i++) n = n " " $i; used = ($NF - t0[$1]) / d; if (used >= 0.5) printf "  pid %s %-36s %5.1f %%\n", pid, n, used }' \
            "$WORK/threads0-$pid" - | sort -k4 -rn | head -12
    done
}

stop() { # PID...
    local pid
    for pid in "$@"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}

echo "| setup | delivered/s | p50 ms | p99 ms | p99 ms sender's instance / others | max ms | delivered/expected | broker CPU | instances CPU | load tool CPU |"
echo "|---|---|---|---|---|---|---|---|---|---|"

if [ -z "${ONLY:-}" ] || [ "$ONLY" = single ]; then
    p=$(free_port); instance "$p"; single=$LAST
    run "1 instance, no broker" - "$single" "127.0.0.1:$p"
    stop "$single"
fi

for broker in nats redis; do
    [ -z "${ONLY:-}" ] || [ "$ONLY" = "$broker" ] || continue
    bp=$(free_port)
    if [ "$broker" = nats ]; then
        mkdir -p "$WORK/nats"
        nats-server -a 127.0.0.1 -p "$bp" -js -sd "$WORK/nats" >"$WORK/nats.log" 2>&1 &
        url="nats://127.0.0.1:$bp"
    else
        redis-server --bind 127.0.0.1 --port "$bp" --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
        url="redis://127.0.0.1:$bp"
    fi
    bpid=$!
    PIDS+=("$bpid")
    wait_port "$bp"
    ports=() pids=()
    for i in 1 2 3; do
        p=$(free_port); instance "$p" "$url"; ports+=("127.0.0.1:$p"); pids+=("$LAST")
    done
    run "3 instances, $broker" "$bpid" "${pids[*]}" "$(IFS=,; echo "${ports[*]}")"
    stop "${pids[@]}" "$bpid"
done
