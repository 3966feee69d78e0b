#!/usr/bin/env bash
# scripts/install-bench-tools.sh - make sure the tools the bench scripts drive are installed: wrk
# (the HTTP load), gcc and make (../shared/bench/c's C echo server and load), nginx (a baseline),
# strace and perf (the syscall counts and profiles), python3 (free ports, idle connections).
#
# Idempotent: a tool already on the PATH (or nginx/perf in /usr/sbin, /usr/bin) is left alone; the
# missing ones are installed in one scripts/apt-install.sh call (Debian/Ubuntu package names; no
# service is started). perf is the kernel's `linux-perf` package on Debian; where it does not exist
# under that name the other tools are still installed and the scripts that profile say so.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
missing=()
for tool in wrk:wrk gcc:gcc make:make strace:strace python3:python3; do
    have "${tool%%:*}" || missing+=("${tool#*:}")
done
[ ${#missing[@]} -eq 0 ] || "$HERE/apt-install.sh" "${missing[@]}"
"$HERE/install-nginx.sh"
if ! have perf; then
    "$HERE/apt-install.sh" linux-perf 2>/dev/null \
        || echo "install-bench-tools: no perf (package linux-perf not found); the profiling scripts need it" >&2
fi
for tool in wrk gcc make strace python3; do
    have "$tool" || { echo "install-bench-tools: $tool is still missing after apt-get" >&2; exit 5; }
done
