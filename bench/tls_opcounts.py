"""tls-opcounts.sh's arithmetic: JFR's cumulative counts at the load's window edges, per round trip.

usage: tls_opcounts.py COUNTS.json WINDOW.txt OPS
COUNTS.json is `jfr print --json --events jdk.MethodTiming,jdk.ThreadAllocationStatistics`;
WINDOW.txt has the load's "start MILLIS" and "stop MILLIS" lines; OPS the round trips between them.
Both event kinds are cumulative and periodic (1 s): the value at an edge is interpolated between
the samples around it.
"""
import collections
import datetime
import json
import sys


def millis(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def at(points, t):
    """The cumulative value at t, linear between the samples around it."""
    before = [p for p in points if p[0] <= t]
    after = [p for p in points if p[0] >= t]
    if not before:
        return 0
    if not after:
        return before[-1][1]
    (a, va), (b, vb) = before[-1], after[0]
    return va if b == a else va + (vb - va) * (t - a) / (b - a)


def main(counts, window_file, ops):
    events = json.load(open(counts))["recording"]["events"]
    window = dict(line.split() for line in open(window_file))
    t0, t1 = int(window["start"]), int(window["stop"])
    ops = ops or 1
    series = collections.defaultdict(list)
    for e in events:
        v = e["values"]
        if e["type"] == "jdk.MethodTiming":
            m = v["method"]
            pool = "PooledByteBufAllocator" in m["type"]["name"]
            key = ("pool " if pool else "call ") + m["name"] + m["descriptor"].split(")")[0] + ")"
            series[key].append((millis(v["startTime"]), v["invocations"]))
        else:
            thread = v.get("thread") or {}
            series["alloc " + str(thread.get("javaName"))].append((millis(v["startTime"]), v["allocated"]))
    for points in series.values():
        points.sort()
    delta = {k: at(p, t1) - at(p, t0) for k, p in series.items()}
    print(f"-- per round trip over the window ({ops} round trips, {(t1 - t0) / 1000:.1f} s)")
    alloc = sum(d for k, d in delta.items() if k.startswith("alloc "))
    print(f"{alloc / ops:10.0f}  bytes allocated (all threads)")
    for k, d in sorted(delta.items(), key=lambda kv: -kv[1]):
        if k.startswith("alloc ") and d / ops >= 1:
            print(f"{d / ops:10.0f}    by {k[6:]}")
    calls = 0
    for k, d in sorted(delta.items(), key=lambda kv: -kv[1]):
        if k.startswith("call ") and d > 0:
            calls += d
            print(f"{d / ops:10.2f}  SSLEngine.{k[5:]}")
    print(f"{calls / ops:10.2f}  SSLEngine calls in all")
    for k, d in sorted(delta.items(), key=lambda kv: -kv[1]):
        if k.startswith("pool "):
            print(f"{d / ops:10.2f}  PooledByteBufAllocator.{k[5:]} (a pooled buffer taken: the thread cache's allocate, later its free)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
