#!/usr/bin/env bash
# bench/memory-floor.sh - the idle memory floor of the chosen runtime and dependencies, beside the
# server's: how much of the 48 MiB idle target (issue #17) the JVM and the required libraries leave.
#
#   bench/memory-floor.sh [LEVEL...]      # default: a b c d
#
# Each level runs with exactly the launcher's JVM flags (.mvn/jvm-options.sh, MALLOC_ARENA_MAX=2):
#   a  a Thread.sleep main (bench/memory-floor/MemoryFloorProbe.java, compiled here)
#   b  a + netty-buffer's pooled allocator sized as the server's (one arena, one direct buffer
#      allocated and released), a PrometheusMeterRegistry with ServerMetrics' binders and one
#      scrape, one line through logback configured in code, picocli parsing a small command
#   c  b + one epoll selector (selector-epoll, FFM downcalls) waiting on its own thread
#   d  the server (server/target/jselectors.jar serve) with echo, chat, http and admin listeners
#   netty, metrics, log, cli   a + one of b's four parts alone (metrics without the allocator's
#      binder), to say which dependency costs what; not in the default set
# a-c run on the dependency jars only: the server's shaded jar with the server's, protocols' and
# connection core's classes and its logback configurator taken out (selector-core, selector-epoll
# and posix-sockets stay, for c). Each level runs RUNS times without an AOT cache (the JDK's CDS
# archive) and with one: a-c a cache trained by one run of the probe that sets up and exits, d the
# server's cache from `./jselectors train` (skipped, with a note, when there is none or it is stale).
# After SETTLE seconds it reads, before any jcmd attaches: RSS, RssAnon, RssFile (/proc/PID/status)
# and PSS (smaps_rollup), MiB; then the classes loaded (jcmd VM.classes). Prints every run and the
# median of each column per level and cache, with the load average.
#
# Environment: RUNS=3, SETTLE=15 (seconds), AOT=both|on|off, OUT (default: a new
# /tmp/memory-floor.XXXXXX; the logs, the filtered jar and the caches), NMT=1 (adds
# -XX:NativeMemoryTracking=summary and keeps each run's NMT summary in OUT; NMT costs ~1-2 MiB),
# EXTRA_FLAGS (JVM flags after the launcher's, which they override: to try one; the probes' AOT
# caches are trained without them).
# Needs server/target/jselectors.jar (./jselectors backends builds it), zip.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=help.sh
. "$HERE/help.sh"
# shellcheck source=server-jvm.sh
. "$HERE/server-jvm.sh"
command -v zip > /dev/null || { echo "memory-floor.sh needs zip" >&2; exit 1; }
RUNS=${RUNS:-3}
SETTLE=${SETTLE:-15}
AOT=${AOT:-both}
OUT=${OUT:-$(mktemp -d /tmp/memory-floor.XXXXXX)}
mkdir -p "$OUT"
LEVELS=("$@")
[ ${#LEVELS[@]} -gt 0 ] || LEVELS=(a b c d)
JAVA="$JAVA_HOME/bin/java"
EXTRA=()
[ "${NMT:-}" = 1 ] && EXTRA=(-XX:NativeMemoryTracking=summary)
# shellcheck disable=SC2206 # a list of flags
[ -n "${EXTRA_FLAGS:-}" ] && EXTRA+=($EXTRA_FLAGS)

# The dependencies without the server: the shaded jar minus our server-side packages and the
# service files that name them (logback would otherwise find the server's configurator).
DEPS="$OUT/deps.jar"
cp "$JAR" "$DEPS"
zip -q -d "$DEPS" 'io/jselectors/server/*' 'io/jselectors/protocol/*' 'io/jselectors/connection/*' \
    META-INF/services/ch.qos.logback.classic.spi.Configurator 'META-INF/services/io.jselectors.protocol.*' \
    > /dev/null
mkdir -p "$OUT/probe/META-INF/services"
"$JAVA_HOME/bin/javac" -nowarn -d "$OUT/probe" -cp "$DEPS" "$HERE/memory-floor/MemoryFloorProbe.java"
echo 'MemoryFloorProbe$LogConfig' > "$OUT/probe/META-INF/services/ch.qos.logback.classic.spi.Configurator"
# A jar, not a directory: the JVM refuses to write an AOT cache for a class path with a directory.
PROBE="$OUT/probe.jar"
rm -f "$PROBE"
(cd "$OUT/probe" && zip -q -r "$PROBE" .)

PID=
trap '[ -z "$PID" ] || kill "$PID" 2>/dev/null || true' EXIT

# command LEVEL: the program arguments after the JVM flags (class path and main, or -jar).
command_of() {
    case $1 in
        a) echo "-cp $PROBE MemoryFloorProbe a" ;;
        b | c | netty | metrics | log | cli) echo "-cp $PROBE:$DEPS MemoryFloorProbe $1" ;;
        d) echo "-jar $JAR serve --listen echo=127.0.0.1:0 --listen chat=127.0.0.1:0 --listen http=127.0.0.1:0 --admin 127.0.0.1:0" ;;
        *) echo "unknown level $1 (a, b, c, d, netty, metrics, log or cli)" >&2; return 1 ;;
    esac
}

# cache_of LEVEL: the AOT cache flag for LEVEL, training the probe's cache first; empty if none.
cache_of() {
    if [ "$1" = d ]; then
        jselectors_aot_options "$JAR" serve
        echo "${JSELECTORS_AOT_OPTIONS[*]:-}"
        return
    fi
    local cache="$OUT/probe-$1.aot"
    if [ ! -f "$cache" ]; then
        # shellcheck disable=SC2046 # the command is a list of words
        env MALLOC_ARENA_MAX="$MALLOC_ARENA_MAX" "$JAVA" --enable-native-access=ALL-UNNAMED \
            "${JSELECTORS_JVM_OPTIONS[@]}" -Xlog:aot=error "-XX:AOTCacheOutput=$cache" \
            $(command_of "$1") exit > "$OUT/train-$1.log" 2>&1 || true
        # A run with a missing cache would start with no CDS archive at all: fail instead.
        [ -s "$cache" ] || { echo "training $1's AOT cache failed: see $OUT/train-$1.log" >&2; return 1; }
    fi
    echo "-XX:AOTCache=$cache"
}

# run LEVEL CACHE_FLAG N: one run; prints "LEVEL cache rss anon file pss classes load".
run() {
    local level=$1 cache=$2 n=$3 label=none log
    [ -z "$cache" ] || label=aot
    log="$OUT/$level-$label-$n"
    # shellcheck disable=SC2046,SC2086 # word lists
    env MALLOC_ARENA_MAX="$MALLOC_ARENA_MAX" "$JAVA" --enable-native-access=ALL-UNNAMED \
        "${JSELECTORS_JVM_OPTIONS[@]}" ${EXTRA[@]+"${EXTRA[@]}"} $cache $(command_of "$level") \
        > "$log.log" 2>&1 &
    PID=$!
    sleep "$SETTLE"
    kill -0 "$PID" 2>/dev/null || { echo "level $level exited: see $log.log" >&2; exit 1; }
    local mem pss classes
    mem=$(awk '/^VmRSS|^RssAnon|^RssFile/ {printf "%.1f ", $2 / 1024}' "/proc/$PID/status")
    pss=$(awk '/^Pss:/ {printf "%.1f", $2 / 1024}' "/proc/$PID/smaps_rollup")
    classes=$("$JAVA_HOME/bin/jcmd" "$PID" VM.classes | grep -c '^0x' || true)
    [ "${NMT:-}" = 1 ] && "$JAVA_HOME/bin/jcmd" "$PID" VM.native_memory summary > "$log.nmt.txt"
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    PID=
    echo "$level $label $mem$pss $classes $(cut -d' ' -f1 /proc/loadavg)"
}

echo "memory-floor: RUNS=$RUNS SETTLE=${SETTLE}s AOT=$AOT flags: MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX ${JSELECTORS_JVM_OPTIONS[*]} ${EXTRA[*]:-}"
echo "start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg); files in $OUT"
printf '%-5s %-5s %8s %8s %8s %8s %8s %6s\n' level cache RSS RssAnon RssFile PSS classes load
: > "$OUT/runs.txt"
for level in "${LEVELS[@]}"; do
    command_of "$level" > /dev/null
    caches=()
    [ "$AOT" = on ] || caches+=("")
    if [ "$AOT" != off ]; then
        cache=$(cache_of "$level") || exit 1
        if [ -n "$cache" ]; then
            caches+=("$cache")
        else
            echo "($level: no AOT cache; for d run ./jselectors train first)"
        fi
    fi
    for i in "${!caches[@]}"; do
        for n in $(seq "$RUNS"); do
            run "$level" "${caches[$i]}" "$n" | tee -a "$OUT/runs.txt" |
                awk '{printf "%-5s %-5s %8s %8s %8s %8s %8s %6s\n", $1, $2, $3, $4, $5, $6, $7, $8}'
        done
    done
done
echo "medians (MiB; classes loaded), end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg):"
printf '%-5s %-5s %8s %8s %8s %8s %8s\n' level cache RSS RssAnon RssFile PSS classes
awk '{ k = $1 " " $2; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
       for (c = 3; c <= 7; c++) v[k, c, ++cnt[k, c]] = $c }
     function median(k, c,    m, i, j, t, a) {
         m = cnt[k, c]; for (i = 1; i <= m; i++) a[i] = v[k, c, i] + 0
         for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
         return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
     END { for (i = 1; i <= n; i++) { split(order[i], p, " ")
               printf "%-5s %-5s %8.1f %8.1f %8.1f %8.1f %8d\n", p[1], p[2], median(order[i], 3),
                   median(order[i], 4), median(order[i], 5), median(order[i], 6), median(order[i], 7) } }' \
    "$OUT/runs.txt"
