# Shared by tls-profile.sh, tls-opcounts.sh and tls-hs-counts.sh (sourced, not run, from the
# repository root): one TLS echo server (for tls-hs: HTTPS), ours or Netty's, for one of
# tls-ws-compare.sh's scenarios, started pinned to SERVER_CPU on an ephemeral port with a fresh
# development certificate, and waited for.
# Expects SC (tls-a|tls-c|tls-hs), WHO (jselectors|netty), OUT, SERVER_CPU, ROOT and the array
# JVMOPTS (extra flags for the server's JVM); sets JAVA, JCMD, JFR, SERVER_JAR, BENCH_JAR, LOADARGS
# (TlsEchoLoad's flags for SC), PORT, CERT, KEY, LOOP_THREAD (the server's loop thread's name) and
# SERVER (its pid), and installs an EXIT trap that stops it.

# shellcheck source=../.mvn/jdk.sh
. .mvn/jdk.sh; jselectors_find_jdk
JAVA=$JAVA_HOME/bin/java JCMD=$JAVA_HOME/bin/jcmd JFR=$JAVA_HOME/bin/jfr
SERVER_JAR=${SERVER_JAR:-$ROOT/server/target/jselectors.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/jselectors-bench.jar}
PROTO=echo
case $SC in
    tls-a) LOADARGS=(-c 100 -d 1 -s 64) ;;
    tls-c) LOADARGS=(-c 10 -d 1 -s 16384) ;;
    tls-hs) LOADARGS=() PROTO=http ;;   # the HTTPS server; its load is wrk (tls-hs-counts.sh)
    *) echo "unknown scenario $SC (tls-a tls-c tls-hs)" >&2; exit 2 ;;
esac
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$SERVER_JAR" cert --out "$OUT/cert" --host localhost > /dev/null
CERT=$OUT/cert/cert.pem KEY=$OUT/cert/key.pem
case $WHO in
    jselectors) LOOP_THREAD=worker-1 CMD=("$JAVA" "${JVMOPTS[@]}" --enable-native-access=ALL-UNNAMED -jar "$SERVER_JAR" serve --workers 1 --admin off
                     --listen "$PROTO+tls=127.0.0.1:$PORT" --tls-cert "$CERT" --tls-key "$KEY") ;;
    netty) LOOP_THREAD=multiThreadIoEventLoopGroup-3-1 CMD=("$JAVA" "${JVMOPTS[@]}" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp "$BENCH_JAR"
                io.jselectors.bench.NettyTlsServer "$PROTO" "$PORT" "$CERT" "$KEY" 1) ;;
    *) echo "server must be netty or jselectors, got $WHO" >&2; exit 2 ;;
esac
taskset -c "$SERVER_CPU" "${CMD[@]}" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 300); do (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
# The server's allocated bytes so far, all threads (jcmd Thread.print -e).
allocated() { "$JCMD" "$SERVER" Thread.print -e 2>/dev/null | awk '{
    for (i = 1; i <= NF; i++) if ($i ~ /^allocated=/) { v = $i; sub("allocated=", "", v); mult = 1;
        if (v ~ /K$/) mult = 1024; if (v ~ /M$/) mult = 1048576; if (v ~ /G$/) mult = 1073741824;
        sub(/[KMGB]+$/, "", v); t += v * mult } } END {printf "%.0f", t}'; }
