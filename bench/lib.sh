# Shared by echo-compare.sh and http-compare.sh (sourced, not run): result lines, the server's
# start (pinned to SERVER_CPU, waited for on HOST:PORT) and stop, and the numbers' parsing.
# Expects RESULTS, HOST, PORT and SERVER_CPU set by the sourcing script; installs its EXIT trap.

out() { echo "$*"; echo "$*" >> "$RESULTS"; }

alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]; }

SERVER_PID=
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 100); do
        alive "$SERVER_PID" || break
        sleep 0.1
    done
    if alive "$SERVER_PID"; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

start_server() { # LOG COMMAND
    if ss -Htln "( sport = :$PORT )" | grep -q .; then
        echo "port $PORT is already in use" >&2
        exit 1
    fi
    taskset -c "$SERVER_CPU" bash -c "exec $2" > "$1" 2>&1 &
    SERVER_PID=$!
    local deadline=$((SECONDS + 30))
    until (exec 3<> "/dev/tcp/$HOST/$PORT") 2>/dev/null; do
        if ! alive "$SERVER_PID"; then
            echo "server exited before opening port $PORT; log $1:" >&2
            tail -n 20 "$1" >&2
            SERVER_PID=
            exit 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            echo "server did not open port $PORT within 30 s" >&2
            exit 1
        fi
        sleep 0.1
    done
}

# field NAME TEXT: value of NAME=... in the last line of TEXT that has it.
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<< "$2" | tail -n 1; }

# stats VALUE...: "median min max"
stats() {
    printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1}
        END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
             printf "%.2f %.2f %.2f", m, v[1], v[NR]}'
}

# shared_bench ROOT: prints the shared load tools' directory ($SHARED_BENCH, else ../shared/bench
# beside the repository at ROOT), or says why there is none and returns 2.
shared_bench() {
    local dir=${SHARED_BENCH:-$1/../shared/bench}
    if [ ! -x "$dir/run.sh" ]; then
        echo "$0: no shared bench tools at $dir (../shared/bench beside the repository; or set SHARED_BENCH)" >&2
        return 2
    fi
    echo "$dir"
}
