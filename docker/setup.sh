#!/usr/bin/env bash
# Gets a Docker engine and the jselectors images on a machine that can pull no image.
#
#   docker/setup.sh          engine, local base image, and jselectors:local if the server jar exists
#   docker/setup.sh image    the same
#   docker/setup.sh engine   only make sure an engine answers (installing and starting one as root)
#   docker/setup.sh base     engine + jselectors/base:local
#   docker/setup.sh stop     stop the engine, but only if this script started it
#   docker/setup.sh status   say which engine answers and which images exist
#
# Idempotent: an engine that already answers is used as it is, and the base image is rebuilt only
# when its inputs (this script, runtime-modules.txt, the JDK, busybox) changed. The base image is
# made here rather than pulled: a jlink'd JDK 25 runtime, the shared libraries it links, a static
# busybox (sh and wget for the HEALTHCHECK) and an /etc/passwd with the non-root user, imported
# with `docker import`. jselectors:local is then built from docker/Dockerfile, the one users build.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)

BASE_IMAGE=${JSELECTORS_BASE_IMAGE:-jselectors/base:local}
APP_IMAGE=${JSELECTORS_IMAGE:-jselectors:local}
PID_FILE=${JSELECTORS_DOCKERD_PID_FILE:-/run/jselectors-dockerd.pid}
LOG_FILE=${JSELECTORS_DOCKERD_LOG:-/var/log/jselectors-dockerd.log}
JAR=$top/server/target/jselectors.jar
# The non-root user the image runs as; docker/Dockerfile says USER 10001:10001 too.
APP_UID=10001

say() { echo "docker/setup.sh: $*" >&2; }
die() { say "$*"; exit 1; }

engine_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_install() {
    # One update per run, only when something is really missing.
    say "installing $* (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_packages() {
    local want=()
    command -v dockerd >/dev/null 2>&1 || want+=(docker.io)
    # The static busybox goes into the base image; a dynamically linked one would need its libc.
    dpkg -s busybox-static >/dev/null 2>&1 || want+=(busybox-static)
    if [ "${#want[@]}" -gt 0 ]; then
        is_root || die "need ${want[*]} installed: run me as root (sudo $0)"
        apt_install "${want[@]}"
    fi
}

start_engine() {
    if engine_answers; then
        return 0
    fi
    is_root || die "no Docker engine answers and only root can start one: run me as root (sudo $0)"
    ensure_packages
    command -v docker >/dev/null 2>&1 || die "docker.io is installed but no docker client is on PATH"
    # No bridge and no iptables: these machines cannot create either; containers use --network host.
    # vfs is the storage driver that works wherever the daemon itself can run.
    say "starting dockerd (log: $LOG_FILE)"
    mkdir -p "$(dirname "$LOG_FILE")" "$(dirname "$PID_FILE")"
    nohup dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
        >>"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    local i
    for i in $(seq 1 120); do
        if engine_answers; then
            say "engine up after $((i / 2)) s"
            return 0
        fi
        if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
            rm -f "$PID_FILE"
            tail -n 20 "$LOG_FILE" >&2 || true
            die "dockerd exited; its log is above"
        fi
        sleep 0.5
    done
    tail -n 20 "$LOG_FILE" >&2 || true
    die "dockerd did not answer within 60 s (log: $LOG_FILE)"
}

our_dockerd_pid() {
    # Prints the pid we recorded if that process is still a dockerd, so a reused pid is never hit.
    [ -f "$PID_FILE" ] || return 1
    local pid
    pid=$(cat "$PID_FILE")
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
    echo "$pid"
}

stop_engine() {
    local pid i
    if ! pid=$(our_dockerd_pid); then
        rm -f "$PID_FILE"
        say "no dockerd started by this script is running; nothing to stop"
        return 0
    fi
    say "stopping dockerd $pid"
    kill -TERM "$pid"
    for i in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "dockerd $pid still running after 30 s; sending SIGKILL"
        kill -KILL "$pid" || true
    fi
    rm -f "$PID_FILE"
}

find_jdk() {
    # The same JDK 25 lookup as ./mvnw and ./jselectors.
    # shellcheck source=../.mvn/jdk.sh
    . "$top/.mvn/jdk.sh"
    jselectors_find_jdk || exit 1
}

modules() {
    grep -v '^[[:space:]]*#' "$here/runtime-modules.txt" | tr -d '[:blank:]' | grep -v '^$' | paste -sd, -
}

base_inputs_hash() {
    {
        cat "$here/setup.sh" "$here/runtime-modules.txt" "$JAVA_HOME/release"
        dpkg-query -W -f='${Version}\n' busybox-static
        uname -m
    } | sha256sum | cut -c1-16
}

image_label() {
    docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

build_base() {
    ensure_packages
    find_jdk
    local hash
    hash=$(base_inputs_hash)
    if [ "$(image_label "$BASE_IMAGE" io.jselectors.base.inputs)" = "$hash" ]; then
        say "$BASE_IMAGE is up to date ($hash)"
        return 0
    fi
    say "building $BASE_IMAGE ($hash) from $JAVA_HOME"
    local work rootfs java_home
    work=$(mktemp -d /tmp/jselectors-base.XXXXXX)
    # shellcheck disable=SC2064 # expand now: work is local
    trap "rm -rf '$work'" RETURN
    rootfs=$work/rootfs
    java_home=/opt/java/openjdk
    mkdir -p "$rootfs$(dirname "$java_home")"

    # The runtime: only our modules, with a CDS archive so the JVM starts quickly.
    "$JAVA_HOME/bin/jlink" --add-modules "$(modules)" --strip-debug --no-header-files \
        --no-man-pages --compress=zip-6 --generate-cds-archive --output "$rootfs$java_home" >/dev/null

    # The shared libraries the runtime links (glibc and friends), at the paths it looks for them.
    # glibc 2.34+ has nss files/dns inside libc, so name lookups need no dlopen'd library.
    local lib
    find "$rootfs$java_home" -type f \( -name java -o -name '*.so' \) -print0 |
        xargs -0 ldd 2>/dev/null |
        awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
        sort -u | while read -r lib; do
            case "$lib" in "$rootfs"*) continue ;; esac
            cp -L --parents "$lib" "$rootfs/"
        done

    # A static busybox: /bin/sh for the HEALTHCHECK's shell form, wget for /healthz, and a few
    # tools for someone who `docker exec`s in.
    mkdir -p "$rootfs/bin"
    cp /bin/busybox "$rootfs/bin/busybox"
    local tool
    for tool in sh wget cat ls ps env id sleep kill; do
        ln -s busybox "$rootfs/bin/$tool"
    done

    mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/jselectors" "$rootfs/root"
    chmod 1777 "$rootfs/tmp"
    chown "$APP_UID:$APP_UID" "$rootfs/home/jselectors"
    printf 'root:x:0:0:root:/root:/bin/sh\njselectors:x:%s:%s:jselectors:/home/jselectors:/bin/sh\n' \
        "$APP_UID" "$APP_UID" >"$rootfs/etc/passwd"
    printf 'root:x:0:\njselectors:x:%s:\n' "$APP_UID" >"$rootfs/etc/group"
    printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

    tar -C "$rootfs" --numeric-owner -cf - . |
        docker import \
            --change "ENV JAVA_HOME=$java_home" \
            --change "ENV PATH=$java_home/bin:/bin" \
            --change "LABEL io.jselectors.base.inputs=$hash" \
            --change 'CMD ["java", "-version"]' \
            - "$BASE_IMAGE" >/dev/null
    say "$BASE_IMAGE: $(docker image inspect -f '{{ .Size }}' "$BASE_IMAGE") bytes"
}

build_app() {
    if [ ! -f "$JAR" ]; then
        say "no $JAR yet: skipping $APP_IMAGE (the docker module's tests build it after the server)"
        return 0
    fi
    say "building $APP_IMAGE from docker/Dockerfile"
    # The build context is server/target: the Dockerfile needs only jselectors.jar from it.
    # The classic builder: Debian's docker.io has no buildx, and it says so on every build; its
    # output is shown only when the build fails.
    local out
    if ! out=$(DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$APP_IMAGE" \
            -f "$here/Dockerfile" "$top/server/target" 2>&1); then
        echo "$out" >&2
        die "docker build of $APP_IMAGE failed"
    fi
    say "$APP_IMAGE: $(docker image inspect -f '{{ .Size }}' "$APP_IMAGE") bytes"
}

prune_ours() {
    # Rebuilt images leave their predecessors untagged; remove those, and only ours (the label is
    # the base's, which every jselectors image built on it inherits).
    docker image prune -f --filter label=io.jselectors.base.inputs >/dev/null 2>&1 || true
}

status() {
    if engine_answers; then
        say "engine: $(docker version -f '{{ .Server.Version }}' 2>/dev/null) answers"
    else
        say "engine: none answers"
    fi
    if pid=$(our_dockerd_pid); then say "started by this script: dockerd $pid"; fi
    if engine_answers; then
        docker image ls --format '{{ .Repository }}:{{ .Tag }} {{ .Size }}' | grep '^jselectors' >&2 || true
    fi
}

case "${1:-all}" in
    all | image) start_engine; build_base; build_app; prune_ours ;;
    engine) start_engine ;;
    base) start_engine; build_base; prune_ours ;;
    stop) stop_engine ;;
    status) status ;;
    *) die "unknown command '$1' (all, engine, base, image, stop, status)" ;;
esac
