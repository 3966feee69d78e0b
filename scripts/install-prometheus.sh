#!/usr/bin/env bash
# scripts/install-prometheus.sh - make sure `prometheus` and `promtool` are on the PATH.
#
# Idempotent: exits 0 at once when both commands exist. Otherwise installs the Debian/Ubuntu
# package `prometheus` with apt-get (as root, or through sudo -n when that works without a
# password). The package's service is never started: tests run the binary themselves on
# 127.0.0.1 with their own config. Exit status 0 means both commands are usable; anything else
# means they could not be installed here, with the reason on stderr.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have prometheus && have promtool; then
    exit 0
fi
if ! have apt-get; then
    echo "install-prometheus: no apt-get on this system; install Prometheus (prometheus, promtool) yourself" >&2
    exit 3
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif have sudo && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "install-prometheus: not root and no password-less sudo; cannot apt-get install prometheus" >&2
    exit 4
fi

export DEBIAN_FRONTEND=noninteractive
# policy-rc.d answering 101 keeps the package's maintainer scripts from starting a system-wide
# Prometheus in containers without systemd; only the binaries are needed.
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    CREATED_POLICY=1
fi
cleanup() { if [ -n "$CREATED_POLICY" ]; then "${SUDO[@]}" rm -f "$POLICY"; fi; }
trap cleanup EXIT

# Refresh the package lists only when the package is unknown (a fresh container has none).
if ! apt-cache show prometheus >/dev/null 2>&1; then
    timeout 300 "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=240 update -qq
fi
# Another apt-get (a parallel build installing curl, say) may hold the lock: wait for it.
timeout 600 "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=240 install -y -qq --no-install-recommends prometheus >/dev/null

if have prometheus && have promtool; then
    exit 0
fi
echo "install-prometheus: apt-get install prometheus finished but prometheus/promtool are not on the PATH" >&2
exit 5
