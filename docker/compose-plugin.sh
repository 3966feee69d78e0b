#!/bin/sh
# `docker compose` as a Docker CLI plugin that runs Debian's docker-compose (compose v1, the only
# compose Debian bookworm packages). docker/setup.sh installs it as
# /usr/local/lib/docker/cli-plugins/docker-compose, and only where `docker compose` does not already
# work, so Docker's own compose plugin on a standard engine is never replaced.
#
# The CLI asks a plugin for its metadata first, then runs it as `docker-compose compose ARGS...`.
set -eu
if [ "${1:-}" = docker-cli-plugin-metadata ]; then
    printf '{"SchemaVersion":"0.1.0","Vendor":"jselectors docker/setup.sh","Version":"%s","ShortDescription":"Docker Compose (Debian docker-compose v1)"}\n' \
        "$(docker-compose version --short 2>/dev/null || echo unknown)"
    exit 0
fi
[ "${1:-}" = compose ] && shift
# The plugin is found as docker-compose too: never run ourselves.
exec /usr/bin/docker-compose "$@"
