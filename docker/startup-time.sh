#!/usr/bin/env bash
# Measures how long the image takes from `docker start` to its first accepted connection and first
# echo reply, N times (default 5), on the host network at 127.0.0.1:PORT (default 17907; the admin
# listener on PORT+1). The container is created before the clock starts: with the vfs storage
# driver, creating one copies the whole image, which says more about vfs than about the image.
#   docker/startup-time.sh [N] [IMAGE]
set -euo pipefail
# shellcheck source=../bench/help.sh
. "$(dirname "${BASH_SOURCE[0]}")/../bench/help.sh"
runs=${1:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "$0: N must be a positive number, not '$runs' (see --help)" >&2; exit 2; }
image=${2:-jselectors:local}
port=${JSELECTORS_STARTUP_PORT:-17907}

ms() { echo $(($(date +%s%N) / 1000000)); }

for run in $(seq 1 "$runs"); do
    # Something else answering on the port would be timed instead of the container.
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
        exec 3>&-
        echo "127.0.0.1:$port is already taken: set JSELECTORS_STARTUP_PORT to a free port" >&2
        exit 1
    fi
    # Everything on loopback: the host network is the machine's own.
    cid=$(docker create --network host -e JSELECTORS_HOST=127.0.0.1 \
        -e "JSELECTORS_LISTEN=echo=$port" -e "JSELECTORS_ADMIN=127.0.0.1:$((port + 1))" "$image")
    start=$(ms)
    docker start "$cid" >/dev/null
    accepted=
    for _ in $(seq 1 1000); do
        # bash's /dev/tcp: the connect succeeds once the listener accepts.
        if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
            accepted=$(ms)
            break
        fi
        sleep 0.01
    done
    if [ -z "$accepted" ]; then
        docker rm -f "$cid" >/dev/null
        echo "run $run: nothing accepted on 127.0.0.1:$port within ~10 s" >&2
        exit 1
    fi
    printf 'ping\n' >&3
    read -r -t 5 reply <&3
    replied=$(ms)
    exec 3>&-
    [ "$reply" = ping ] || { docker rm -f "$cid" >/dev/null; echo "run $run: echo said '$reply'" >&2; exit 1; }
    echo "run $run: first connection accepted after $((accepted - start)) ms, first echo reply after $((replied - start)) ms"
    docker stop "$cid" >/dev/null
    docker rm "$cid" >/dev/null
done
