#!/usr/bin/env bash
# Installs the command-line tools the tests drive as real clients (curl; openssl and python3 for
# the TLS tests; testssl.sh to audit the https listener), if missing.
# Idempotent; .ci/run calls it on every CI machine. Needs root (or sudo) to install.
set -euo pipefail
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
command -v python3 >/dev/null || missing+=(python3)
command -v testssl >/dev/null || missing+=(testssl.sh)   # Debian's package; the command is testssl
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-test-tools: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
