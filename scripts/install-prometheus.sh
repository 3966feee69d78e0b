#!/usr/bin/env bash
# scripts/install-prometheus.sh - make sure `prometheus` and `promtool` are on the PATH.
#
# Idempotent: exits 0 at once when both commands exist. Otherwise installs the Debian/Ubuntu
# package `prometheus` with scripts/apt-install.sh (as root, or through sudo -n when that works
# without a password). The package's service is never started: tests run the binary themselves on
# 127.0.0.1 with their own config. Exit status 0 means both commands are usable; anything else
# means they could not be installed here, with the reason on stderr.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have prometheus && have promtool; then
    exit 0
fi
"$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" prometheus

if have prometheus && have promtool; then
    exit 0
fi
echo "install-prometheus: apt-get install prometheus finished but prometheus/promtool are not on the PATH" >&2
exit 5
