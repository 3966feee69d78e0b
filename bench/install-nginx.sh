#!/usr/bin/env bash
# bench/install-nginx.sh - installs nginx (Debian's nginx-light) for the HTTP comparison if it is
# missing. Idempotent; the service is never started (scripts/apt-install.sh): bench/nginx-hello.sh
# runs the binary itself, in the foreground, with a configuration of its own.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    exit 0
fi
echo "install-nginx: installing nginx-light" >&2
"$ROOT/scripts/apt-install.sh" nginx-light
