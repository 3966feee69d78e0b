#!/usr/bin/env bash
# bench/chat-cluster.sh - one chat room of MEMBERS users, one sender at RATE lines/s for SECONDS:
# a single instance alone, then three instances joined by NATS, then by Redis (all on this machine,
# 127.0.0.1, free ports). Prints one Markdown table row per run: delivered lines/s, p50/p99/max
# sender-to-receiver latency, and the CPU used by the broker and by the instances (in % of one core).
#
#   ./mvnw -B -q -ntp -pl server,bench -am package -DskipTests
#   bench/chat-cluster.sh [SECONDS=20] [MEMBERS=1000] [RATE=250] [WORKERS=1]
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
    for i in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "chat-cluster.sh: nothing listens on $1 (see $WORK)" >&2
    exit 1
}
instance() { # PORT [CLUSTER_URL] -> PID in $LAST
    local args=(serve --listen "chat=127.0.0.1:$1" --admin off --workers "$WORKERS")
    [ -n "${2:-}" ] && args+=(--cluster "$2" --cluster-name bench)
    "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$SERVER_JAR" "${args[@]}" >"$WORK/instance-$1.log" 2>&1 &
    LAST=$!
    PIDS+=("$LAST")
    wait_port "$1"
}

# run LABEL BROKER_PID|- INSTANCE_PIDS ADDRESSES: the load tool reads the CPU time of the broker and
# the instances from /proc itself, over its sending window only.
run() {
    local label=$1 broker=$2 instances=$3 addresses=$4 out
    sleep 2 # let the instances reach the broker
    out=$("$JAVA" -cp "$BENCH_JAR" io.jselectors.bench.ChatClusterLoad "$addresses" "$MEMBERS" "$RATE" "$DURATION" \
        "$broker" "$(echo "$instances" | tr ' ' ,)")
    field() { echo "$out" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    printf '| %s | %s | %s | %s | %s | %s | %s %% | %s %% |\n' "$label" "$(field delivered_per_s)" \
        "$(field p50_ms)" "$(field p99_ms)" "$(field max_ms)" "$(field delivered)/$(field expected)" \
        "$(field broker_cpu_pct)" "$(field servers_cpu_pct)"
}

stop() { # PID...
    local pid
    for pid in "$@"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}

echo "| setup | delivered/s | p50 ms | p99 ms | max ms | delivered/expected | broker CPU | instances CPU |"
echo "|---|---|---|---|---|---|---|---|"

p=$(free_port); instance "$p"; single=$LAST
run "1 instance, no broker" - "$single" "127.0.0.1:$p"
stop "$single"

for broker in nats redis; do
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
