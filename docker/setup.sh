#!/usr/bin/env bash
# Gets a Docker engine, `docker compose` and the jselectors images on a machine that can pull no image.
#
#   docker/setup.sh          engine, compose, local base and Prometheus images, and jselectors:local
#                            if the server jar exists
#   docker/setup.sh image    the same
#   docker/setup.sh engine   only make sure an engine answers (installing and starting one as root)
#   docker/setup.sh compose  only make sure `docker compose` works (Debian's docker-compose)
#   docker/setup.sh base     engine + jselectors/base:local
#   docker/setup.sh stop     stop the engine, but only if this script started it
#   docker/setup.sh status   say which engine answers, in which network mode, and which images exist
#
# Idempotent: an engine that already answers is used as it is, and each image is rebuilt only when
# its inputs changed. The images are made here rather than pulled, from Debian's packages:
# jselectors/base:local is a jlink'd JDK 25 runtime, the shared libraries it links, a static busybox
# (sh and wget for the HEALTHCHECK) and an /etc/passwd with the non-root user, imported with
# `docker import`; jselectors/prometheus:local is Debian's prometheus binary on the same kind of
# root file system. jselectors:local is then built from docker/Dockerfile, the one users build.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)

BASE_IMAGE=${JSELECTORS_BASE_IMAGE:-jselectors/base:local}
APP_IMAGE=${JSELECTORS_IMAGE:-jselectors:local}
PROMETHEUS_IMAGE=${JSELECTORS_PROMETHEUS_IMAGE:-jselectors/prometheus:local}
# Where the docker CLI looks for plugins (the first of its system-wide directories); only used when
# `docker compose` does not work already.
PLUGIN_DIR=/usr/local/lib/docker/cli-plugins
PID_FILE=${JSELECTORS_DOCKERD_PID_FILE:-/run/jselectors-dockerd.pid}
LOG_FILE=${JSELECTORS_DOCKERD_LOG:-/var/log/jselectors-dockerd.log}
JAR=$top/server/target/jselectors.jar
# The non-root user the image runs as; docker/Dockerfile says USER 10001:10001 too.
APP_UID=10001
# Prometheus runs as nobody, as its upstream image does.
PROMETHEUS_UID=65534

say() { echo "docker/setup.sh: $*" >&2; }
die() { say "$*"; exit 1; }

engine_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

APT_UPDATED=
apt_install() {
    # One update per run, only when something is really missing.
    say "installing $* (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$APT_UPDATED" ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
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
    # A bridge without iptables: the daemon makes docker0 and reaches published ports through its
    # userland proxy, so `docker run -p` works on the host's loopback; containers have no NAT to the
    # outside, which these machines do not reach anyway. Where no bridge can be made, the daemon is
    # started again with --bridge=none and containers need --network host.
    # vfs is the storage driver that works wherever the daemon itself can run.
    run_dockerd || run_dockerd --bridge=none || die "dockerd exited both with and without a bridge (log: $LOG_FILE)"
}

# run_dockerd [FLAGS...]: starts dockerd with the common flags and FLAGS; 0 once it answers, 1 if it
# exited; dies if it neither answers nor exits within 60 s.
run_dockerd() {
    say "starting dockerd $* (log: $LOG_FILE)"
    mkdir -p "$(dirname "$LOG_FILE")" "$(dirname "$PID_FILE")"
    nohup dockerd --iptables=false --ip6tables=false --storage-driver=vfs "$@" \
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
            tail -n 5 "$LOG_FILE" >&2 || true
            say "dockerd $* exited; its log is above"
            return 1
        fi
        sleep 0.5
    done
    tail -n 20 "$LOG_FILE" >&2 || true
    die "dockerd did not answer within 60 s (log: $LOG_FILE)"
}

network_mode() {
    # bridge when the engine has its default bridge network (`docker run -p` works), else host-only.
    if docker network inspect bridge >/dev/null 2>&1; then echo bridge; else echo host-only; fi
}

compose_works() { docker compose version >/dev/null 2>&1; }

ensure_compose() {
    # A `docker compose` that already works (Docker's own plugin on a standard engine) is kept.
    compose_works && return 0
    is_root || die "\`docker compose\` does not work and only root can install it: run me as root (sudo $0)"
    command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
    # Debian bookworm packages compose v1 as the `docker-compose` command only; the plugin shim
    # makes `docker compose ...`, the spelling the README uses, run it.
    mkdir -p "$PLUGIN_DIR"
    install -m 0755 "$here/compose-plugin.sh" "$PLUGIN_DIR/docker-compose"
    compose_works || die "installed $PLUGIN_DIR/docker-compose but \`docker compose version\` still fails"
    say "docker compose: $(docker compose version --short 2>/dev/null || true)"
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

# copy_linked_libs ROOTFS FILE...: copies the shared libraries FILEs link (glibc and friends) into
# ROOTFS at the paths they are looked for. glibc 2.34+ has nss files/dns inside libc, so name
# lookups need no dlopen'd library.
copy_linked_libs() {
    local rootfs=$1 lib
    shift
    printf '%s\0' "$@" | xargs -0 ldd 2>/dev/null |
        awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
        sort -u | while read -r lib; do
            case "$lib" in "$rootfs"*) continue ;; esac
            cp -L --parents "$lib" "$rootfs/"
        done
}

# add_system_files ROOTFS: a static busybox (/bin/sh for HEALTHCHECKs' shell form, wget, and a few
# tools for someone who `docker exec`s in), /tmp, and users root, jselectors and nobody.
add_system_files() {
    local rootfs=$1 tool
    mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/jselectors" "$rootfs/root"
    cp /bin/busybox "$rootfs/bin/busybox"
    for tool in sh wget cat ls ps env id sleep kill; do
        ln -s busybox "$rootfs/bin/$tool"
    done
    chmod 1777 "$rootfs/tmp"
    chown "$APP_UID:$APP_UID" "$rootfs/home/jselectors"
    printf 'root:x:0:0:root:/root:/bin/sh\njselectors:x:%s:%s:jselectors:/home/jselectors:/bin/sh\nnobody:x:%s:%s:nobody:/nonexistent:/bin/false\n' \
        "$APP_UID" "$APP_UID" "$PROMETHEUS_UID" "$PROMETHEUS_UID" >"$rootfs/etc/passwd"
    printf 'root:x:0:\njselectors:x:%s:\nnogroup:x:%s:\n' "$APP_UID" "$PROMETHEUS_UID" >"$rootfs/etc/group"
    printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
}

# import_rootfs ROOTFS IMAGE [--change ...]: the root file system as an image of one layer.
import_rootfs() {
    local rootfs=$1 image=$2
    shift 2
    tar -C "$rootfs" --numeric-owner -cf - . | docker import "$@" - "$image" >/dev/null
    say "$image: $(docker image inspect -f '{{ .Size }}' "$image") bytes"
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
    # jlink writes the archives for the default object layout only; the image runs with compact
    # object headers (Dockerfile), which need an archive of their own or the JVM runs without CDS
    # (slower start, ~8 MiB more metaspace).
    "$rootfs$java_home/bin/java" -XX:+UseCompactObjectHeaders -Xshare:dump >/dev/null

    local -a linked
    mapfile -d '' linked < <(find "$rootfs$java_home" -type f \( -name java -o -name '*.so' \) -print0)
    copy_linked_libs "$rootfs" "${linked[@]}"
    add_system_files "$rootfs"
    import_rootfs "$rootfs" "$BASE_IMAGE" \
        --change "ENV JAVA_HOME=$java_home" \
        --change "ENV PATH=$java_home/bin:/bin" \
        --change "LABEL io.jselectors.base.inputs=$hash" \
        --change 'CMD ["java", "-version"]'
}

build_prometheus() {
    # Debian's prometheus package, on a root file system made as the base's is: its one binary, the
    # libc it links, busybox for a HEALTHCHECK or `docker exec`, and a data directory for nobody.
    "$top/scripts/install-prometheus.sh"
    ensure_packages
    local binary hash
    binary=$(command -v prometheus)
    hash=$({
        cat "$here/setup.sh"
        dpkg-query -W -f='${Version}\n' prometheus busybox-static
        uname -m
    } | sha256sum | cut -c1-16)
    if [ "$(image_label "$PROMETHEUS_IMAGE" io.jselectors.prometheus.inputs)" = "$hash" ]; then
        say "$PROMETHEUS_IMAGE is up to date ($hash)"
        return 0
    fi
    say "building $PROMETHEUS_IMAGE ($hash) from $binary ($(dpkg-query -W -f='${Version}' prometheus))"
    local work rootfs
    work=$(mktemp -d /tmp/jselectors-prometheus.XXXXXX)
    # shellcheck disable=SC2064 # expand now: work is local
    trap "rm -rf '$work'" RETURN
    rootfs=$work/rootfs
    mkdir -p "$rootfs/bin" "$rootfs/etc/prometheus" "$rootfs/prometheus"
    cp "$binary" "$rootfs/bin/prometheus"
    copy_linked_libs "$rootfs" "$binary"
    add_system_files "$rootfs"
    # A config that scrapes Prometheus itself, for `docker run` without a mounted one.
    cp /etc/prometheus/prometheus.yml "$rootfs/etc/prometheus/prometheus.yml"
    chown "$PROMETHEUS_UID:$PROMETHEUS_UID" "$rootfs/prometheus"
    import_rootfs "$rootfs" "$PROMETHEUS_IMAGE" \
        --change "USER $PROMETHEUS_UID:$PROMETHEUS_UID" \
        --change 'WORKDIR /prometheus' \
        --change 'EXPOSE 9090' \
        --change "LABEL io.jselectors.prometheus.inputs=$hash" \
        --change 'ENTRYPOINT ["/bin/prometheus"]' \
        --change 'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
}

build_app() {
    if [ ! -f "$JAR" ]; then
        say "no $JAR yet: skipping $APP_IMAGE (the docker module's tests build it after the server)"
        return 0
    fi
    say "building $APP_IMAGE from docker/Dockerfile"
    # The build context is the repository; .dockerignore lets only the server jar into it.
    # The classic builder: Debian's docker.io has no buildx, and it says so on every build; its
    # output is shown only when the build fails.
    local out
    if ! out=$(DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$APP_IMAGE" \
            -f "$here/Dockerfile" "$top" 2>&1); then
        echo "$out" >&2
        die "docker build of $APP_IMAGE failed"
    fi
    say "$APP_IMAGE: $(docker image inspect -f '{{ .Size }}' "$APP_IMAGE") bytes"
}

prune_ours() {
    # Rebuilt images leave their predecessors untagged; remove those, and only ours (the labels are
    # the bases', which every image built on them inherits).
    docker image prune -f --filter label=io.jselectors.base.inputs >/dev/null 2>&1 || true
    docker image prune -f --filter label=io.jselectors.prometheus.inputs >/dev/null 2>&1 || true
}

status() {
    if engine_answers; then
        say "engine: $(docker version -f '{{ .Server.Version }}' 2>/dev/null) answers; network: $(network_mode)"
    else
        say "engine: none answers"
    fi
    if pid=$(our_dockerd_pid); then say "started by this script: dockerd $pid"; fi
    if compose_works; then say "compose: $(docker compose version --short 2>/dev/null)"; else say "compose: none"; fi
    if engine_answers; then
        docker image ls --format '{{ .Repository }}:{{ .Tag }} {{ .Size }}' | grep '^jselectors' >&2 || true
    fi
}

case "${1:-all}" in
    all | image) start_engine; ensure_compose; build_base; build_prometheus; build_app; prune_ours ;;
    engine) start_engine ;;
    compose) ensure_compose ;;
    base) start_engine; build_base; prune_ours ;;
    stop) stop_engine ;;
    status) status ;;
    *) die "unknown command '$1' (all, engine, compose, base, image, stop, status)" ;;
esac
