#!/usr/bin/env bash
# Runs the JMH select benchmark (SelectBenchmark): one select over 10,000 registered fds of which
# 100 (and, as a second data point, 1) are ready, on jselectors' epoll and poll backends (those
# installed and available here) and on the JDK's selector, with -prof gc for bytes allocated per
# op. Extra arguments go to JMH and override these defaults, e.g.
#   selector-epoll/bench.sh -p backend=epoll -p ready=100 -wi 1 -i 3
# With --cpu-split TARGET READY (TARGET: epoll, poll or jdk) it runs SelectCpuSplit instead, which
# splits a select's CPU time into user and kernel time.
# Results: selector-epoll/target/jmh-select.json. Never run by `./mvnw verify` (which only
# compiles the benchmark).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

# 10,000 registered fds plus the JVM's own: raise the soft fd limit as far as the hard one allows.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then hard=65536; fi
ulimit -Sn "$hard" 2>/dev/null || true
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt 10500 ]; then
    echo "bench.sh: RLIMIT_NOFILE is $(ulimit -Sn) (hard $(ulimit -Hn)); the benchmark needs about 10,500 fds" >&2
    exit 1
fi

# Build selector-core and the benchmark (compiled with selector-epoll's tests), and write the
# test class path.
./mvnw -B -q -ntp -pl selector-epoll -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test

# shellcheck source=../.mvn/jdk.sh
. "$top/.mvn/jdk.sh"
jselectors_find_jdk
mod="$top/selector-epoll"
cp="$mod/target/test-classes:$mod/target/classes:$(cat "$mod/target/jmh.classpath")"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp")

if [ "${1:-}" = --cpu-split ]; then
    shift
    exec "${java[@]}" io.jselectors.epoll.jmh.SelectCpuSplit "$@"
fi

defaults=()
case " $* " in *" backend="*|*"-p backend="*) ;; *)
    defaults+=(-p "backend=$("${java[@]}" io.jselectors.epoll.jmh.AvailableBackends)") ;;
esac
case " $* " in *"ready="*) ;; *) defaults+=(-p ready=1,100) ;; esac

echo "bench.sh: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; RLIMIT_NOFILE $(ulimit -Sn)" >&2
exec "${java[@]}" org.openjdk.jmh.Main 'io.jselectors.epoll.jmh.SelectBenchmark' \
    -prof gc -rf json -rff "$mod/target/jmh-select.json" "${defaults[@]}" "$@"
