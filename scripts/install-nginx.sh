#!/usr/bin/env bash
# scripts/install-nginx.sh - make sure `nginx` is installed, for the bench baselines (bench/memory.sh, bench/nginx-hello.sh).
#
# Idempotent: exits 0 at once when nginx exists (on the PATH or in /usr/sbin). Otherwise installs
# the Debian/Ubuntu package `nginx` with scripts/apt-install.sh (its service is never started; the
# bench runs the binary itself on 127.0.0.1 with a configuration of its own).
set -euo pipefail

have() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }
have && exit 0
"$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" nginx
have && exit 0
echo "install-nginx: apt-get install nginx finished but there is no nginx binary" >&2
exit 5
