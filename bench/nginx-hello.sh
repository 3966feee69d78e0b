#!/usr/bin/env bash
# bench/nginx-hello.sh PORT [WORKERS] - nginx in the foreground answering GET /hello with the same
# 13-byte text/plain "Hello, World!" as jselectors and bench/NettyHttpServer, for pair.sh:
#
#   ../shared/bench/pair.sh d "bench/nginx-hello.sh 19201 1" 19201 "jselectors serve ..." 19202
#
# WORKERS (default 1) is nginx's worker_processes. No access log (neither jselectors nor Netty
# writes one under load), keep-alive without a request limit (wrk's connections stay open, as they
# do against the others). Its configuration and temp files live in a fresh directory under /tmp,
# removed when it exits. Installs nginx first if it is missing (scripts/install-nginx.sh).
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
PORT=$1 WORKERS=${2:-1}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$HERE/../scripts/install-nginx.sh"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
DIR=$(mktemp -d /tmp/nginx-hello.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
mkdir -p "$DIR/logs" "$DIR/tmp"
cat > "$DIR/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes $WORKERS;
pid $DIR/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; use epoll; }
http {
    access_log off;
    client_body_temp_path $DIR/tmp/body;
    proxy_temp_path $DIR/tmp/proxy;
    fastcgi_temp_path $DIR/tmp/fastcgi;
    uwsgi_temp_path $DIR/tmp/uwsgi;
    scgi_temp_path $DIR/tmp/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 75s;
    server_tokens off;
    server {
        listen 127.0.0.1:$PORT;
        location = /hello { default_type text/plain; return 200 "Hello, World!"; }
        location / { return 404; }
    }
}
CONF
# Not exec: the trap removes the directory after nginx exits. pair.sh counts the CPU of this
# shell's whole process tree (master and workers), and TERM reaches nginx through the trap below.
"$NGINX" -p "$DIR" -c "$DIR/nginx.conf" &
NGINX_PID=$!
trap 'kill -TERM $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null; rm -rf "$DIR"' EXIT TERM INT
wait $NGINX_PID
