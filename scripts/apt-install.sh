#!/usr/bin/env bash
# scripts/apt-install.sh PACKAGE... - apt-get install the Debian/Ubuntu packages given, for the
# project's installer scripts (install-brokers.sh, install-prometheus.sh).
#
# As root, or through sudo -n when that works without a password. The packages' services are never
# started (policy-rc.d answers 101 for the duration): tests run the binaries themselves. The
# package lists are refreshed only when a package is unknown (a fresh container has none), and a
# parallel apt-get holding the lock is waited for. Exit status 0 means apt-get succeeded; anything
# else comes with the reason on stderr.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
[ "$#" -gt 0 ] || { echo "usage: scripts/apt-install.sh PACKAGE..." >&2; exit 2; }
if ! have apt-get; then
    echo "apt-install: no apt-get on this system; install $* yourself" >&2
    exit 3
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif have sudo && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "apt-install: not root and no password-less sudo; cannot apt-get install $*" >&2
    exit 4
fi

export DEBIAN_FRONTEND=noninteractive
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    CREATED_POLICY=1
fi
cleanup() { if [ -n "$CREATED_POLICY" ]; then "${SUDO[@]}" rm -f "$POLICY"; fi; }
trap cleanup EXIT

for package in "$@"; do
    if ! apt-cache show "$package" >/dev/null 2>&1; then
        timeout 300 "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=240 update -qq
        break
    fi
done
timeout 600 "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=240 install -y -qq --no-install-recommends "$@" >/dev/null
