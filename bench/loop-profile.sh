# Shared by tls-profile.sh, tls-opcounts.sh and ws-profile.sh (sourced, not run): the summaries
# they print of one server loop thread's steady state. Each writes to stdout; the callers tee it.

# mark WHAT FILE PID: waits until the load PID marked WHAT ("start", "stop") in its window FILE, or ended.
mark() { until grep -q "^$1" "$2" 2>/dev/null; do kill -0 "$3" 2>/dev/null || break; sleep 0.02; done; }

# strace_window FILE PID OUT: strace -c -f on $SERVER from the start mark of the load PID's window
# FILE to its stop mark, both seen equally late, so the window is as long as the load's; the table
# goes to OUT. strace slows the server (and would spread time-driven work over fewer operations),
# hence a window of its own.
strace_window() {
    mark start "$1" "$2"
    strace -c -f -p "$SERVER" -o "$3" 2> /dev/null & local tracer=$!
    mark stop "$1" "$2"
    kill -INT $tracer; wait $tracer 2>/dev/null || true
}

# strace_load_window: the callers' second window, for system calls only: the caller's `load 3`
# under strace_window (table in $OUT/strace.txt), then both windows' load lines into
# $OUT/summary.txt; sets ops and ops2, the operations of window 1 ($OUT/load.txt) and window 2.
strace_load_window() {
    load 3 "$OUT/window2.txt" > "$OUT/load2.txt" & local pid=$!
    strace_window "$OUT/window2.txt" $pid "$OUT/strace.txt"
    wait $pid
    echo "load: $(cat "$OUT/load.txt")" | tee -a "$OUT/summary.txt"
    echo "load under strace: $(cat "$OUT/load2.txt")" | tee -a "$OUT/summary.txt"
    ops=$(sed -n 's/.* ops=\([0-9]*\) .*/\1/p' "$OUT/load.txt")
    ops2=$(sed -n 's/.* ops=\([0-9]*\) .*/\1/p' "$OUT/load2.txt")
}

# syscalls_per_op STRACE_FILE OPS: strace -c -f's table as calls per operation (the ones at least
# 0.005 per op, with how many failed), then all of them together.
syscalls_per_op() {
    awk -v ops="${2:-0}" '
        /^-+/ { inside = !inside; next }
        inside == 1 && NF >= 5 { calls[$NF] = $4; errs[$NF] = (NF == 6) ? $5 : 0 }
        END { if (ops == 0) { print "syscalls_per_op=unknown"; exit }
              for (s in calls) { t += calls[s]; if (calls[s] / ops >= 0.005) printf "%10.3f  %s%s\n", calls[s] / ops, s, errs[s] ? " (" errs[s] " failed)" : "" }
              printf "%10.3f  syscalls in all (strace -c -f)\n", t / ops }' "$1" | sort -rn
}

# allocation_sites JFR_FILE THREAD: where THREAD (a name prefix) allocates, from the recording's
# jdk.ObjectAllocationSample events (JFR's sampled weight), the 12 heaviest class-and-stack sites.
allocation_sites() {
    "$JFR" print --json --events jdk.ObjectAllocationSample "$1" > "$1.alloc.json"
    python3 - "$1.alloc.json" "$2" <<'EOF'
import collections, json, sys
def frames(e):
    return [f["method"]["type"]["name"].rsplit(".", 1)[-1] + "." + f["method"]["name"]
            for f in (e["values"]["stackTrace"] or {"frames": []})["frames"]]
allocs = [e for e in json.load(open(sys.argv[1]))["recording"]["events"]
          if (e["values"]["eventThread"] or {}).get("javaName", "").startswith(sys.argv[2])]
weight = collections.Counter()
for e in allocs:
    weight[e["values"]["objectClass"]["name"] + " at " + " < ".join(frames(e)[:4])] += e["values"]["weight"]
total = sum(weight.values()) or 1
print(f"-- allocation samples of {sys.argv[2]}* (JFR's sampled weight, {total / 1e6:.1f} MB in all)")
for k, w in weight.most_common(12):
    print(f"{100 * w / total:5.1f} %  {k}")
EOF
}

# perf_summary PERF_DATA THREAD [SELF_ROWS] [INCLUSIVE_ROWS] [java]: the thread's samples by where
# they ran, its top frames by self time and by inclusive time (with "java", the kernel's frames left
# out of the latter). Run after the server exited (it writes the JIT's perf map, /tmp/perf-PID.map,
# then). perf keeps 15 characters of a thread's name.
perf_summary() {
    local comm=${2:0:15}
    report() { perf report -i "$1" --comms "$comm" --stdio -g none "${@:2}" 2>/dev/null | grep -v '^#' | grep -v '^$' || true; }
    echo "== $comm: samples by where they ran ([JIT] is Java code)"
    report "$1" --no-children --sort dso | head -6 || true   # head leaves perf a broken pipe (pipefail)
    echo "== $comm: top frames, self"
    report "$1" --no-children --sort sym | head -"${3:-30}" || true
    if [ "${5:-}" = java ]; then
        echo "== $comm: top Java frames, inclusive (what they call included)"
        report "$1" --children --sort sym | grep -v '\[k\]' | head -"${4:-40}" || true
    else
        echo "== $comm: top frames, inclusive (what they call included; [k] is the kernel's side of system calls)"
        report "$1" --children --sort sym | head -"${4:-40}" || true
    fi
}
