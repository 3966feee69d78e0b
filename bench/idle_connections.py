#!/usr/bin/env python3
"""bench/idle_connections.py HOST PORT N SECONDS - open N TCP connections that send nothing.

Prints "open N" once all are connected, holds them for SECONDS (or until stdin closes, when it is
a pipe) and closes them. Used by bench/memory.sh to measure memory per idle connection. Raises its
own file limit to the hard limit first; fails with a one-line reason if N do not fit under it.
"""
import resource
import socket
import sys
import time


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[0])
    host, port, n, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard != resource.RLIM_INFINITY and n + 16 > hard:
        sys.exit(f"idle_connections: {n} connections do not fit under the file limit {hard}")
    held = []
    for _ in range(n):
        s = socket.create_connection((host, port), timeout=10)
        held.append(s)
    print(f"open {len(held)}", flush=True)
    time.sleep(seconds)
    for s in held:
        s.close()


if __name__ == "__main__":
    main()
