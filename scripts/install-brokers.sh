#!/usr/bin/env bash
# scripts/install-brokers.sh - make sure `nats-server` and `redis-server` are on the PATH.
#
# The chat cluster tests (protocols/chat-nats, protocols/chat-redis) start both brokers themselves
# on 127.0.0.1 with random free ports and stop them by PID; only the binaries are needed.
#
# Idempotent: exits 0 at once when both commands exist. Otherwise installs the Debian/Ubuntu
# packages `nats-server` and `redis-server` with apt-get (as root, or through sudo -n when that
# works without a password). The packages' services are never started. Exit status 0 means both
# commands are usable; anything else means they could not be installed, with the reason on stderr.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have nats-server && have redis-server; then
    exit 0
fi
if ! have apt-get; then
    echo "install-brokers: no apt-get on this system; install nats-server and redis-server yourself" >&2
    exit 3
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif have sudo && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "install-brokers: not root and no password-less sudo; cannot apt-get install nats-server redis-server" >&2
    exit 4
fi

export DEBIAN_FRONTEND=noninteractive
# policy-rc.d answering 101 keeps the maintainer scripts from starting system-wide brokers in
# containers without systemd (a system redis on 6379 would also collide with nothing we run, but
# it would be a process nobody asked for).
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    CREATED_POLICY=1
fi
cleanup() { if [ -n "$CREATED_POLICY" ]; then "${SUDO[@]}" rm -f "$POLICY"; fi; }
trap cleanup EXIT

# Refresh the package lists only when a package is unknown (a fresh container has none).
if ! apt-cache show nats-server >/dev/null 2>&1 || ! apt-cache show redis-server >/dev/null 2>&1; then
    timeout 300 "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=240 update -qq
fi
# Another apt-get (a parallel build installing something else) may hold the lock: wait for it.
timeout 600 "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=240 install -y -qq --no-install-recommends \
    nats-server redis-server >/dev/null

if have nats-server && have redis-server; then
    exit 0
fi
echo "install-brokers: apt-get finished but nats-server or redis-server is still not on the PATH" >&2
exit 5
