"""bench/tls-hs-profile.sh's summary of one run's output directory: tls_hs_profile.py OUT HANDSHAKES CLK_TCK."""
import collections, json, re, sys
out, ops, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if ops == 0:
    sys.exit("no handshakes in the window")
def ticks(name):
    t = collections.Counter()
    for line in open(f"{out}/{name}"):
        comm, _, v = line.rstrip("\n").rpartition("\t")
        if v:
            t[re.sub(r"\d+$", "#", comm)] += int(v)
    return t
t0, t1 = ticks("ticks0.txt"), ticks("ticks1.txt")
per = {k: (t1[k] - t0[k]) * 1e6 / hz / ops for k in t1}
total = sum(per.values())
print(f"-- {ops} handshakes; server CPU {total:.1f} us per handshake (all threads, /proc ticks at {hz} Hz)")
for k, v in sorted(per.items(), key=lambda kv: -kv[1]):
    if v >= 0.5:
        print(f"{v:9.1f} us  {k}")
JDK = re.compile(r"^(sun\.security\.|com\.sun\.crypto\.|java\.security\.|javax\.crypto\.|javax\.net\.ssl\.)")
CREATE = re.compile(r"SSLContext(Impl|Spi)?[.$].*[Cc]reateSSLEngine|SSLEngineImpl\.<init>|SSLEngineImpl\.(set|get)(SSLParameters|Enabled|UseClientMode)")
def frames(e):
    st = e["values"].get("stackTrace") or {"frames": []}
    return [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in st["frames"]]
events = json.load(open(f"{out}/cpu.json"))["recording"]["events"]
java_threads = collections.Counter()
bucket = collections.Counter()
self_rest, incl_rest = collections.Counter(), collections.Counter()
for e in events:
    thread = re.sub(r"\d+$", "#", ((e["values"].get("eventThread") or {}).get("javaName") or "?"))
    fs = frames(e)
    java_threads[thread] += 1
    if any(CREATE.search(f) for f in fs):
        b = "engine creation and configuration"
    elif any(JDK.search(f) for f in fs):
        b = "JDK TLS engine and crypto (shared)"
    else:
        b = "the server's own work"
        self_rest[fs[0] if fs else "?"] += 1
        for f in set(fs):
            incl_rest[f] += 1
    bucket[(thread, b)] += 1
n = sum(java_threads.values()) or 1
# The samples of the threads behind one /proc name (its first 15 characters) share out what /proc
# measured for them: samples can be lost, so shares are what the samples say, amounts what /proc does.
by_comm = collections.Counter()
for th, k in java_threads.items():
    by_comm[th[:15]] += k
scale = {th: per.get(th[:15], 0.0) / by_comm[th[:15]] for th in java_threads}
print(f"-- Java threads' CPU by bucket, us per handshake ({n} CPU-time samples)")
for (th, b), k in sorted(bucket.items(), key=lambda kv: -kv[1]):
    print(f"{k * scale[th]:9.1f} us {100 * k / java_threads[th]:5.1f} % of {th:<34} {b}")
sums = collections.Counter()
for (th, b), k in bucket.items():
    sums[b] += k * scale[th]
print("-- all Java threads together")
for b, v in sums.most_common():
    print(f"{v:9.1f} us  {b}")
rest = sum(k for (th, b), k in bucket.items() if b == "the server's own work") or 1
print("-- the server's own work: heaviest frames, self (share of that bucket's samples)")
for f, k in self_rest.most_common(20):
    print(f"{100 * k / rest:6.1f} %  {f}")
print("-- the server's own work: heaviest frames, inclusive")
for f, k in incl_rest.most_common(45):
    print(f"{100 * k / rest:6.1f} %  {f}")
