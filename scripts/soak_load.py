#!/usr/bin/env python3
"""Load for scripts/soak.sh: echo, chat and HTTP clients plus a steady trickle of hostile
connections against one jselectors server, for a bounded time. Standard library only.

usage: soak_load.py HOST ECHO_PORT CHAT_PORT HTTP_PORT SECONDS
Prints one summary line at the end: requests done, errors, hostile connections and how they ended.
Every socket has a timeout and every loop checks the deadline, so it stops by itself.
"""
import random
import socket
import sys
import threading
import time

HOST, ECHO, CHAT, HTTP, SECONDS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
DEADLINE = time.monotonic() + SECONDS
# Longest any hostile client waits for the server to close it; the server's timers are shorter.
HOSTILE_PATIENCE = 40.0
counts = {"echo": 0, "chat": 0, "http": 0, "errors": 0, "hostile": 0, "hostile_closed": 0, "hostile_outlived": 0,
          "hostile_open_at_end": 0}
lock = threading.Lock()


def count(name, n=1):
    with lock:
        counts[name] += n


def connect(port, timeout=10.0):
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.settimeout(timeout)
    return s


def recv_until(s, marker):
    data = b""
    while marker not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def echo_client():
    while time.monotonic() < DEADLINE:
        try:
            with connect(ECHO) as s:
                for _ in range(200):
                    if time.monotonic() >= DEADLINE:
                        return
                    payload = random.randbytes(random.randint(1, 4096))
                    s.sendall(payload)
                    got = b""
                    while len(got) < len(payload):
                        chunk = s.recv(65536)
                        if not chunk:
                            raise ConnectionError("closed")
                        got += chunk
                    if got != payload:
                        raise ValueError("echo mismatch")
                    count("echo")
        except (OSError, ValueError):
            count("errors")
            time.sleep(0.1)


def chat_client(n):
    while time.monotonic() < DEADLINE:
        try:
            with connect(CHAT) as s:
                recv_until(s, b"pick a nick")
                s.sendall(b"/nick soak%d\r\n" % n)
                for i in range(500):
                    if time.monotonic() >= DEADLINE:
                        return
                    s.sendall(b"line %d from soak%d\r\n" % (i, n))
                    s.recv(65536)  # drain what the room says, keep reading
                    count("chat")
                    time.sleep(0.05)
        except OSError:
            count("errors")
            time.sleep(0.1)


def http_client():
    request = b"GET /hello HTTP/1.1\r\nHost: soak\r\n\r\n"
    while time.monotonic() < DEADLINE:
        try:
            with connect(HTTP) as s:
                for _ in range(1000):
                    if time.monotonic() >= DEADLINE:
                        return
                    s.sendall(request)
                    if not recv_until(s, b"Hello, World!").startswith(b"HTTP/1.1 200"):
                        raise ValueError("not 200")
                    count("http")
        except (OSError, ValueError):
            count("errors")
            time.sleep(0.1)


# ---- hostile connections: each returns when the server closed it (or its patience ran out) ----

def wait_closed(s, drip=None, every=1.0):
    """Reads (and drops) until EOF or reset; calls drip() every `every` seconds meanwhile.
    True if the server closed it, False if it outlived HOSTILE_PATIENCE, None if the run ended first."""
    patience = time.monotonic() + HOSTILE_PATIENCE
    end = min(DEADLINE + 5, patience)
    s.settimeout(every)
    while time.monotonic() < end:
        try:
            if not s.recv(65536):
                return True
        except socket.timeout:
            if drip:
                try:
                    drip()
                except OSError:
                    return True
        except OSError:
            return True
    return False if end == patience else None


def crlf_drip(s):
    return wait_closed(s, lambda: s.sendall(b"\r\n"))


def slowloris(s):
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    return wait_closed(s, lambda: s.sendall(b"X-a: b\r\n"))


def body_drip(s):
    s.sendall(b"POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n")
    return wait_closed(s, lambda: s.sendall(b"x"))


def stalled_body(s):
    s.sendall(b"POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" + b"x" * 65536)
    return wait_closed(s)


def bad_host(s):
    s.sendall(b"GET /hello HTTP/1.1\r\nHost: a b\r\n\r\n")
    return wait_closed(s)


def smuggle(s):
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    return wait_closed(s)


def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    return True  # closed with RST by the caller


def half_close(s):
    s.sendall(b"hello")
    s.shutdown(socket.SHUT_WR)
    return wait_closed(s)


def silent_chat(s):
    # A room of its own (no traffic keeps it busy), then nothing: the idle timeout ends it.
    s.sendall(b"/join quiet%d\r\n" % random.randint(0, 1 << 30))
    return wait_closed(s)


HOSTILE = [(HTTP, crlf_drip), (HTTP, slowloris), (HTTP, body_drip), (HTTP, stalled_body), (HTTP, bad_host),
           (HTTP, smuggle), (ECHO, reset), (HTTP, reset), (ECHO, half_close), (CHAT, silent_chat)]


def hostile_one(port, kind):
    try:
        with connect(port) as s:
            closed = kind(s)
        count("hostile_open_at_end" if closed is None else "hostile_closed" if closed else "hostile_outlived")
    except OSError:
        count("hostile_closed")


def hostile_trickle():
    """One new hostile connection every 0.5 s, kinds in turn."""
    i = 0
    while time.monotonic() < DEADLINE:
        port, kind = HOSTILE[i % len(HOSTILE)]
        threading.Thread(target=hostile_one, args=(port, kind), daemon=True).start()
        count("hostile")
        i += 1
        time.sleep(0.5)


def main():
    threads = [threading.Thread(target=echo_client) for _ in range(4)]
    threads += [threading.Thread(target=chat_client, args=(n,)) for n in range(6)]
    threads += [threading.Thread(target=http_client) for _ in range(4)]
    threads.append(threading.Thread(target=hostile_trickle))
    for t in threads:
        t.daemon = True
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, DEADLINE - time.monotonic()) + 15)
    time.sleep(1)
    with lock:
        print("load: echo round trips %(echo)d, chat lines %(chat)d, http requests %(http)d, client errors %(errors)d; "
              "hostile connections %(hostile)d (closed by the server %(hostile_closed)d, outlived their %(p)ds patience "
              "%(hostile_outlived)d, still open when the run ended %(hostile_open_at_end)d)" % dict(counts, p=HOSTILE_PATIENCE))


if __name__ == "__main__":
    main()
