package io.jselectors.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Chat fan-out over WebSocket: {@code -m} members join one room through the server's chat
 * WebSocket endpoint ({@code --path}, default {@value #DEFAULT_PATH}; each text message is one chat
 * line, each output line one message), and one more member says a timestamped line {@code --rate}
 * times a second for {@code -t} seconds. Every member times each line as it arrives (sender and
 * receivers share this JVM's clock), so the figures are delivered messages per second and the
 * sender-to-receiver latency percentiles.
 *
 * <p>The receiving side must not be what limits the figure: the members sit on {@code --threads}
 * JDK NIO selector threads ({@link FanoutReceiver}), each with its own histogram and counters
 * (nothing shared per message), parsing frames in place and reading the timestamp from the bytes
 * ({@link WsFanoutMember}): no allocation per delivered line. The run reports the receivers' own
 * CPU ({@code receiver_cpu_pct}, summed over its threads, in % of one core) and what that
 * extrapolates to ({@code receiver_capacity_per_s}: deliveries per second at 100 % of one core,
 * the core the load is pinned to), so a result says how far the generator was from being the
 * bottleneck.
 *
 * <p>Each line carries a sequence number and the time it was due (not when the sender got to send
 * it: a server pushing back on the sender shows in the latency); every member counts deliveries
 * per line. The server's flow control pauses a sender whose lines are still being delivered (TCP
 * pushes back, {@code sent_per_s} falls below {@code --rate}); a line that reaches nobody is
 * reported as {@code lines_dropped_by_server}, one that reached some members but not all is
 * {@code missing}: both should be 0. {@code delivered_per_s} is counted from the first line sent to
 * the last delivery; {@code server_us_per_delivery} is the server's CPU time (user + system) over
 * that span per delivered line, {@code server_cpu_pct} its share of a core while the lines were sent.
 *
 * <p>Output, one line on stdout: {@code ws_fanout members=.. rate=.. delivered_per_s=.. p50_ms=..
 * p99_ms=.. max_ms=.. lines_sent=.. lines_dropped_by_server=.. expected=.. delivered=.. missing=..
 * errors=.. receiver_threads=.. receiver_cpu_pct=.. receiver_capacity_per_s=.. server_cpu_pct=..
 * server_us_per_delivery=..} (with {@code sent_per_s=..} after {@code seconds}; the server's
 * figures only with {@code --server-pid});
 * exit status 1 if a member's connection failed or a line did not reach every member.
 */
public final class WsChatFanout {

    /** Where ws's chat endpoint lives on the http listener. */
    static final String DEFAULT_PATH = "/chat";

    /** Latency buckets 0.1 ms wide up to 10 s; later arrivals count in the last. */
    static final int BUCKETS = 100_000;
    static final long BUCKET_NANOS = 100_000;

    /** Members and lines per second this tool accepts: more is a typo. */
    static final int MAX_MEMBERS = 20_000;
    static final int MAX_RATE = 100_000;
    /** Lines per run (rate times seconds): each receiver keeps a count per line, 4 bytes each. */
    static final int MAX_LINES = 1_000_000;
    /** Receiver threads; more than a few only contend for the load's cores. */
    static final int MAX_THREADS = 64;

    /** The sender's longest sleep between lines, so it drains its own socket while it waits. */
    static final long SENDER_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Sending starts once no member has heard anything (the join notices) for this long... */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** ...or after this long at most. */
    static final long SETTLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** Time after the last line for the last deliveries to arrive. */
    static final long DRAIN_MILLIS = 3_000;

    private static final String USAGE = """
            usage: WsChatFanout -p PORT [--path /chat] [-m 1000] [--rate 100] [-t 10] [--room bench] [--threads 1] [--server-pid PID]
              -m members in one room, one more says a line --rate times a second for -t seconds; the members
              are read by --threads NIO selector threads; loopback only.
            """;

    /** The receivers' histograms, added up after the run. */
    private final long[] histogram = new long[BUCKETS];
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private long failures;

    /** The parsed command line. */
    record Options(InetSocketAddress address, String path, int members, int rate, double seconds, String room,
            long serverPid, int threads) {

        static Options parse(String[] args) {
            LoadArgs common = new LoadArgs(0);
            String path = DEFAULT_PATH;
            String room = "bench";
            int members = 1_000;
            int rate = 100;
            int threads = 1;
            for (int i = 0; i < args.length; i += 2) {
                String value = LoadArgs.valueAfter(args, i);
                if (common.accept(args[i], value)) {
                    continue;
                }
                switch (args[i]) {
                    case "-m" -> members = LoadArgs.parseInt("-m", value);
                    case "--rate" -> rate = LoadArgs.parseInt("--rate", value);
                    case "--threads" -> threads = LoadArgs.parseInt("--threads", value);
                    case "--path" -> path = value;
                    case "--room" -> room = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            LoadArgs.check("-m", members, 1, MAX_MEMBERS);
            LoadArgs.check("--rate", rate, 1, MAX_RATE);
            LoadArgs.check("--threads", threads, 1, MAX_THREADS);
            if (rate * common.seconds > MAX_LINES) {
                throw new IllegalArgumentException("--rate times -t is over " + MAX_LINES + " lines");
            }
            LoadArgs.checkDurations(common.seconds, common.warmup);
            if (!room.matches("[A-Za-z0-9_-]{1,30}")) {
                throw new IllegalArgumentException("--room must be 1-30 of A-Z a-z 0-9 _ -, got " + room);
            }
            return new Options(common.address(), path, members, rate, common.seconds, room, common.serverPid, threads);
        }
    }

    /** {@code WsChatFanout OPTIONS}: see {@code --help}. */
    public static void main(String[] args) throws Exception {
        Options o;
        try {
            if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
                System.out.print(USAGE);
                return;
            }
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("WsChatFanout: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        System.exit(new WsChatFanout().run(o) ? 0 : 1);
    }

    private boolean run(Options o) throws Exception {
        int total = (int) Math.round(o.rate() * o.seconds());
        FanoutReceiver[] receivers = new FanoutReceiver[o.threads()];
        for (int i = 0; i < receivers.length; i++) {
            receivers[i] = new FanoutReceiver(i, total);
            receivers[i].start();
        }
        WsFanoutMember[] members = new WsFanoutMember[o.members()];
        WsFanoutMember sender = null;
        try {
            for (int i = 0; i < members.length; i++) {
                members[i] = WsFanoutMember.connect(o.address(), o.path(), true, 0xfa11_0000L + i);
                members[i].say("/nick m" + i);
                members[i].say("/join " + o.room());
                receivers[i % receivers.length].add(members[i]); // reads from here on, join notices included
            }
            sender = WsFanoutMember.connect(o.address(), o.path(), false, 0xfa11_ffffL);
            sender.say("/nick sender");
            sender.say("/join " + o.room());
            long settleEnd = System.nanoTime() + SETTLE_LIMIT_NANOS;
            while (System.nanoTime() - lastHeard(receivers) < QUIET_NANOS && System.nanoTime() < settleEnd) {
                drain(sender);
                Thread.sleep(100);
            }
            long before = delivered(receivers);
            long cpuBefore = receiverCpu(receivers);
            ProcStats.Snapshot s0 = o.serverPid() > 0 ? ProcStats.Snapshot.take(o.serverPid()) : null;
            long interval = TimeUnit.SECONDS.toNanos(1) / o.rate();
            long start = System.nanoTime();
            for (int n = 0; n < total; n++) {
                long wait;
                while ((wait = start + n * interval - System.nanoTime()) > 0) {
                    drain(sender);
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, SENDER_NAP_NANOS));
                }
                sender.sayTimestamp(n, start + n * interval);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            ProcStats.Snapshot s1 = s0 == null ? null : ProcStats.Snapshot.take(o.serverPid());
            long drainEnd = System.currentTimeMillis() + DRAIN_MILLIS;
            while (System.currentTimeMillis() < drainEnd) {
                drain(sender);
                Thread.sleep(10);
            }
            long got = delivered(receivers) - before;
            // CPU share while sending; CPU per delivery until the last delivery (drain included: idle costs ~0).
            ProcStats.ServerUsage usage = s0 == null ? null : s0.until(s1, 1);
            ProcStats.ServerUsage perDelivery = s0 == null ? null : s0.until(ProcStats.Snapshot.take(o.serverPid()), Math.max(1, got));
            double window = Math.max(elapsed, (lastDelivery(receivers) - start) / 1e9);
            double loadCpuPct = 100.0 * (receiverCpu(receivers) - cpuBefore) / 1e9 / (elapsed + DRAIN_MILLIS / 1e3);
            int[] perLine = new int[total];
            for (FanoutReceiver r : receivers) {
                r.stop();
                r.addHistogramTo(histogram);
                r.addPerLineTo(perLine);
                if (r.error() != null) {
                    failures++;
                    firstError.compareAndSet(null, r.error());
                }
            }
            // A line the server took reaches every member; a line it dropped (its flow control tells a
            // WebSocket sender "slow down" and drops what arrives until its last lines are out) reaches none.
            int accepted = 0;
            long missing = 0;
            for (int count : perLine) {
                if (count > 0) {
                    accepted++;
                    missing += o.members() - count;
                }
            }
            long expected = (long) accepted * o.members();
            double perS = got / window;
            System.out.println(String.format(Locale.ROOT, "ws_fanout members=%d rate=%d seconds=%.1f sent_per_s=%.1f delivered_per_s=%.0f"
                    + " p50_ms=%.1f p99_ms=%.1f max_ms=%.1f lines_sent=%d lines_dropped_by_server=%d expected=%d delivered=%d"
                    + " missing=%d errors=%d receiver_threads=%d receiver_cpu_pct=%.0f receiver_capacity_per_s=%.0f%s",
                    o.members(), o.rate(), elapsed, total / elapsed, perS, percentile(0.50), percentile(0.99), percentile(1.0), total,
                    total - accepted, expected, got, missing, failures, receivers.length, loadCpuPct,
                    loadCpuPct > 0 ? perS * 100 / loadCpuPct : 0,
                    usage == null ? "" : String.format(Locale.ROOT, " server_cpu_pct=%.0f server_us_per_delivery=%.2f",
                            usage.serverCpuPercent(), perDelivery.serverUsPerOp())));
            if (firstError.get() != null) {
                System.err.println("WsChatFanout: first error: " + firstError.get());
            }
            return failures == 0 && missing == 0 && got == expected && accepted == total;
        } catch (IOException e) {
            System.err.println("WsChatFanout: " + e);
            return false;
        } finally {
            for (FanoutReceiver r : receivers) {
                r.stop();
            }
            for (WsFanoutMember m : members) {
                if (m != null) {
                    m.close();
                }
            }
            if (sender != null) {
                sender.close();
            }
        }
    }

    /** Reads and drops what the server sends the sender (its own line, notices, pings answered). */
    private static void drain(WsFanoutMember sender) throws IOException {
        if (!sender.readAll(System.nanoTime(), null)) {
            throw new IOException("the server closed the sender's connection");
        }
    }

    private static long lastHeard(FanoutReceiver[] receivers) {
        long last = Long.MIN_VALUE;
        for (FanoutReceiver r : receivers) {
            last = Math.max(last, r.lastHeardNanos());
        }
        return last;
    }

    private static long lastDelivery(FanoutReceiver[] receivers) {
        long last = Long.MIN_VALUE;
        for (FanoutReceiver r : receivers) {
            last = Math.max(last, r.lastDeliveryNanos());
        }
        return last;
    }

    private static long delivered(FanoutReceiver[] receivers) {
        long sum = 0;
        for (FanoutReceiver r : receivers) {
            sum += r.delivered();
        }
        return sum;
    }

    private static long receiverCpu(FanoutReceiver[] receivers) {
        long sum = 0;
        for (FanoutReceiver r : receivers) {
            sum += r.cpuNanos();
        }
        return sum;
    }

    private double percentile(double p) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += histogram[i];
        }
        long want = Math.max(1, (long) Math.ceil(total * p));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += histogram[i];
            if (seen >= want) {
                return (i + 1) * BUCKET_NANOS / 1e6;
            }
        }
        return 0;
    }
}
