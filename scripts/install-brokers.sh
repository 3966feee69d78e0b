#!/usr/bin/env bash
# scripts/install-brokers.sh - make sure `nats-server` and `redis-server` are on the PATH.
#
# The chat cluster suite (server tests, ClusterChatSuite) and bench/chat-cluster.sh start both brokers themselves on
# 127.0.0.1 with free ports and stop them by PID; docker/build-broker-images.sh copies them into
# images. Only the binaries are needed: the packages' services are never started.
#
# Idempotent: exits 0 at once when both commands exist; otherwise installs Debian's `nats-server`
# and `redis-server` with scripts/apt-install.sh. Exit status 0 means both commands are usable;
# anything else means they could not be installed, with the reason on stderr.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have nats-server && have redis-server; then
    exit 0
fi
"$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" nats-server redis-server
if have nats-server && have redis-server; then
    exit 0
fi
echo "install-brokers: apt-get finished but nats-server or redis-server is still not on the PATH" >&2
exit 5
