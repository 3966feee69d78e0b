#!/usr/bin/env bash
# Builds the chat cluster's broker images on a machine that can pull no image:
#
#   jselectors/nats:local    Debian's nats-server on jselectors/base:local (entrypoint nats-server)
#   jselectors/redis:local   Debian's redis-server on jselectors/base:local (entrypoint redis-server)
#
# docker/compose.cluster.yaml runs them. Needs an engine and the base image: docker/setup.sh makes
# both. The binaries come from the Debian packages (scripts/install-brokers.sh installs them) with
# the shared libraries they link, copied onto the base the way setup.sh builds the base itself.
# Idempotent: an image whose label names the same package versions is left as it is.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
BASE_IMAGE=${JSELECTORS_BASE_IMAGE:-jselectors/base:local}

say() { echo "docker/build-broker-images.sh: $*" >&2; }
die() { say "$*"; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine answers: run docker/setup.sh (as root) first"
docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || die "no $BASE_IMAGE: run docker/setup.sh (as root) first"
"$top/scripts/install-brokers.sh"

# build IMAGE PACKAGE BINARY [ENTRYPOINT ARGS...]: BINARY and its libraries onto the base.
build() {
    local image=$1 package=$2 binary=$3
    shift 3
    local version
    version=$(dpkg-query -W -f '${Version}' "$package")
    local label="$package=$version (v2) on $(docker image inspect -f '{{ .Id }}' "$BASE_IMAGE")"
    if [ "$(docker image inspect -f '{{ index .Config.Labels "io.jselectors.broker" }}' "$image" 2>/dev/null || true)" = "$label" ]; then
        say "$image is current ($package $version)"
        return 0
    fi
    local work
    work=$(mktemp -d)
    # shellcheck disable=SC2064 # expand now: work is local
    trap "rm -rf '$work'" RETURN
    local real
    real=$(readlink -f "$binary")
    mkdir -p "$work/rootfs$(dirname "$binary")"
    cp "$real" "$work/rootfs$binary"
    local lib
    ldd "$real" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u |
        while read -r lib; do cp -L --parents "$lib" "$work/rootfs/"; done
    {
        echo "FROM $BASE_IMAGE"
        echo "COPY rootfs/ /"
        echo "LABEL io.jselectors.broker=\"$label\""
        echo "USER 10001:10001"
        echo "WORKDIR /tmp"
        printf 'ENTRYPOINT ["%s"' "$binary"
        local arg
        for arg in "$@"; do printf ', "%s"' "$arg"; done
        echo ']'
    } >"$work/Dockerfile"
    local out
    if ! out=$(DOCKER_BUILDKIT=0 docker build -q -t "$image" "$work" 2>&1); then
        echo "$out" >&2
        die "docker build of $image failed"
    fi
    say "$image: $package $version, $(docker image inspect -f '{{ .Size }}' "$image") bytes"
}

build jselectors/nats:local nats-server /usr/sbin/nats-server
build jselectors/redis:local redis-server /usr/bin/redis-server
