#!/usr/bin/env bash
# bench/class-census.sh - what an idle jselectors server's memory is made of: RSS, RssAnon and PSS,
# the NMT summary, and the classes it loaded, by where they came from and by package.
#
#   bench/class-census.sh [EXTRA_JVM_FLAG...]
#
# Starts server/target/jselectors.jar with the launcher's flags (.mvn/jvm-options.sh), its AOT cache
# when `./jselectors train` made one after the jar (JSELECTORS_AOT=off: without), NMT on, and the
# echo, chat, http and admin listeners on ephemeral loopback ports; after IDLE_SECONDS prints:
#   memory   RSS, RssAnon (what no limit can reclaim) and PSS (smaps_rollup; shared file pages
#            divided among the processes mapping them), MiB, read before any jcmd attaches
#   nmt      the committed MiB of NMT's largest categories (NMT itself costs ~1-2 MiB of RSS)
#   source   classes by where they came from: the AOT cache or CDS archive ("shared objects
#            file"), a jar, spun at run time (__JVM_LookupDefineClass__: LambdaForms, FFM's
#            downcall stubs), dynamic proxies (annotations), the JDK's modules file
#   package  the TOP largest packages (spun LambdaForms and lambdas counted apart)
# and keeps the class+load log, VM.classes and VM.metaspace in OUT.
#
# Environment: IDLE_SECONDS=15, TOP=30, OUT (default: a new /tmp/census.XXXXXX),
# JSELECTORS_AOT=off (no AOT cache).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=help.sh
. "$HERE/help.sh"
# shellcheck source=server-jvm.sh
. "$HERE/server-jvm.sh"
jselectors_aot_options "$JAR" serve
IDLE_SECONDS=${IDLE_SECONDS:-15}
TOP=${TOP:-30}
OUT=${OUT:-$(mktemp -d /tmp/census.XXXXXX)}
mkdir -p "$OUT"
JCMD="$JAVA_HOME/bin/jcmd"

env MALLOC_ARENA_MAX="$MALLOC_ARENA_MAX" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
    "${JSELECTORS_JVM_OPTIONS[@]}" ${JSELECTORS_AOT_OPTIONS[@]+"${JSELECTORS_AOT_OPTIONS[@]}"} \
    -XX:NativeMemoryTracking=summary "-Xlog:class+load:file=$OUT/class-load.txt" "$@" \
    -jar "$JAR" serve --listen echo=127.0.0.1:0 --listen chat=127.0.0.1:0 --listen http=127.0.0.1:0 \
    --admin 127.0.0.1:0 > "$OUT/server.log" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true' EXIT
sleep "$IDLE_SECONDS"
kill -0 "$PID" 2>/dev/null || { echo "the server exited: see $OUT/server.log" >&2; exit 1; }

echo "census: AOT '${JSELECTORS_AOT_OPTIONS[*]:-none}' extra '$*' idle ${IDLE_SECONDS}s load $(cut -d' ' -f1-3 /proc/loadavg)"
awk '/^VmRSS|^RssAnon|^RssFile/ {printf "%s %.1f  ", $1, $2 / 1024}' "/proc/$PID/status" | sed 's/^/memory  /'
awk '/^Pss:/ {printf "Pss: %.1f\n", $2 / 1024}' "/proc/$PID/smaps_rollup"
"$JCMD" "$PID" VM.native_memory summary > "$OUT/nmt.txt"
"$JCMD" "$PID" VM.classes > "$OUT/classes.txt"
"$JCMD" "$PID" VM.metaspace > "$OUT/metaspace.txt"
awk '/^(-|Total)/ && /committed=/ {
        name = $0; sub(/^- */, "", name); sub(/ *\(.*/, "", name)
        match($0, /committed=[0-9]+KB/); kb = substr($0, RSTART + 10, RLENGTH - 12) + 0
        if (kb >= 512) printf "nmt     %-20s %6.1f MiB\n", name, kb / 1024 }' "$OUT/nmt.txt"
# class+load lines: "[...][info][class,load] NAME source: WHERE"
awk '{ src = $0; sub(/.*source: /, "", src)
       if (src ~ /^shared objects file/) src = "AOT cache / CDS archive"
       else if (src ~ /^(jar|file):/) src = "jar"
       else if (src ~ /^jrt:/) src = "JDK modules file"
       else if (src !~ /__JVM_LookupDefineClass__|__dynamic_proxy__/) src = "defined by " src
       n[src]++ }
     END { for (s in n) printf "source  %5d  %s\n", n[s], s }' "$OUT/class-load.txt" | sort -k2 -rn
awk '{ c = $2; sub(/\/0x.*/, "", c)
       if (c ~ /LambdaForm\$|BoundMethodHandle\$Species/) p = "(LambdaForms, spun or cached)"
       else if (c ~ /\$\$Lambda/) { p = c; sub(/\$\$Lambda.*/, "", p); sub(/\.[^.]*$/, "", p); p = "(lambdas) " p }
       else if (c ~ /DowncallStub/) p = "(FFM downcall stubs)"
       else { p = c; sub(/\.[^.]*$/, "", p) }
       n[p]++ }
     END { for (p in n) printf "package %5d  %s\n", n[p], p }' "$OUT/class-load.txt" | sort -k2 -rn | head -n "$TOP"
echo "total   $(wc -l < "$OUT/class-load.txt") classes loaded; files in $OUT"
