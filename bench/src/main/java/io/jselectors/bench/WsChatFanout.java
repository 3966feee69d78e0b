package io.jselectors.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Chat fan-out over WebSocket: {@code -m} members join one room through the server's chat
 * WebSocket endpoint ({@code --path}, default {@value #DEFAULT_PATH}; each text message is one chat
 * line, each output line one message), and one more member says a timestamped line {@code --rate}
 * times a second for {@code -t} seconds. Every member times each line as it arrives (sender and
 * receivers share this JVM's clock), so the figures are delivered messages per second and the
 * sender-to-receiver latency percentiles.
 *
 * <p>Output, one line on stdout: {@code ws_fanout members=.. rate=.. delivered_per_s=.. p50_ms=..
 * p99_ms=.. max_ms=.. expected=.. delivered=.. server_cpu_pct=..}; exit status 1 if a member's
 * connection failed or fewer lines arrived than were sent times members (a lost line).
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

    /** Sending starts once no member has heard anything (the join notices) for this long... */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** ...or after this long at most. */
    static final long SETTLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** Time after the last line for the last deliveries to arrive. */
    static final long DRAIN_MILLIS = 3_000;

    private static final String USAGE = """
            usage: WsChatFanout -p PORT [--path /chat] [-m 1000] [--rate 100] [-t 10] [--room bench] [--server-pid PID]
              -m members in one room, one more says a line --rate times a second for -t seconds; loopback only.
            """;

    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong lastHeard = new AtomicLong(System.nanoTime());
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final AtomicLong failures = new AtomicLong();

    /** The parsed command line. */
    record Options(InetSocketAddress address, String path, int members, int rate, double seconds, String room,
            long serverPid) {

        static Options parse(String[] args) {
            LoadArgs common = new LoadArgs(0);
            String path = DEFAULT_PATH;
            String room = "bench";
            int members = 1_000;
            int rate = 100;
            for (int i = 0; i < args.length; i += 2) {
                String value = LoadArgs.valueAfter(args, i);
                if (common.accept(args[i], value)) {
                    continue;
                }
                switch (args[i]) {
                    case "-m" -> members = LoadArgs.parseInt("-m", value);
                    case "--rate" -> rate = LoadArgs.parseInt("--rate", value);
                    case "--path" -> path = value;
                    case "--room" -> room = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            LoadArgs.check("-m", members, 1, MAX_MEMBERS);
            LoadArgs.check("--rate", rate, 1, MAX_RATE);
            LoadArgs.checkDurations(common.seconds, common.warmup);
            if (!room.matches("[A-Za-z0-9_-]{1,30}")) {
                throw new IllegalArgumentException("--room must be 1-30 of A-Z a-z 0-9 _ -, got " + room);
            }
            return new Options(common.address(), path, members, rate, common.seconds, room, common.serverPid);
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
        WsClientSocket[] sockets = new WsClientSocket[o.members() + 1];
        CountDownLatch joined = new CountDownLatch(sockets.length);
        Semaphore opening = new Semaphore(BlockingLoad.MAX_CONCURRENT_OPENS);
        Thread[] threads = new Thread[sockets.length];
        String marker = ": T";
        for (int i = 0; i < sockets.length; i++) {
            int index = i;
            String nick = i == o.members() ? "sender" : "m" + i;
            threads[i] = Thread.ofVirtual().name("member-" + i).start(() -> {
                try {
                    opening.acquire();
                    try {
                        sockets[index] = WsClientSocket.connect(o.address(), o.path(), "", 0xfa11_0000L + index);
                        say(sockets[index], "/nick " + nick);
                        say(sockets[index], "/join " + o.room());
                    } finally {
                        opening.release();
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    fail(index, e);
                    return;
                } finally {
                    joined.countDown();
                }
                receive(sockets[index], marker);
            });
        }
        try {
            if (!joined.await(BlockingLoad.CONNECT_TIMEOUT_NANOS * 3, TimeUnit.NANOSECONDS) || sockets[o.members()] == null) {
                System.err.println("WsChatFanout: members did not all connect; first error: " + firstError.get());
                return false;
            }
            long settleEnd = System.nanoTime() + SETTLE_LIMIT_NANOS;
            while (System.nanoTime() - lastHeard.get() < QUIET_NANOS && System.nanoTime() < settleEnd) {
                Thread.sleep(100);
            }
            long before = delivered.get();
            ProcStats.Snapshot s0 = o.serverPid() > 0 ? ProcStats.Snapshot.take(o.serverPid()) : null;
            long total = Math.round(o.rate() * o.seconds());
            long interval = TimeUnit.SECONDS.toNanos(1) / o.rate();
            WsClientSocket sender = sockets[o.members()];
            long start = System.nanoTime();
            for (long n = 0; n < total; n++) {
                long wait = start + n * interval - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                say(sender, "T" + System.nanoTime());
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            ProcStats.ServerUsage usage = s0 == null ? null : s0.until(ProcStats.Snapshot.take(o.serverPid()), 1);
            Thread.sleep(DRAIN_MILLIS);
            long got = delivered.get() - before;
            long expected = total * o.members();
            System.out.println(String.format(Locale.ROOT, "ws_fanout members=%d rate=%d seconds=%.1f delivered_per_s=%.0f"
                    + " p50_ms=%.1f p99_ms=%.1f max_ms=%.1f expected=%d delivered=%d errors=%d%s", o.members(), o.rate(),
                    elapsed, got / elapsed, percentile(0.50), percentile(0.99), percentile(1.0), expected, got,
                    failures.get(), usage == null ? "" : String.format(Locale.ROOT, " server_cpu_pct=%.0f", usage.serverCpuPercent())));
            if (firstError.get() != null) {
                System.err.println("WsChatFanout: first error: " + firstError.get());
            }
            return failures.get() == 0 && got == expected;
        } finally {
            for (WsClientSocket s : sockets) {
                BlockingLoad.closeQuietly(s);
            }
            for (Thread t : threads) {
                t.join(BlockingLoad.STOP_GRACE_MILLIS);
            }
        }
    }

    private static void say(WsClientSocket ws, String line) throws IOException {
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        ws.send(WsClientSocket.TEXT, text, text.length, true);
    }

    private void receive(WsClientSocket ws, String marker) {
        byte[] buffer = new byte[256];
        try {
            while (true) {
                buffer = ws.receive(buffer);
                long now = System.nanoTime();
                lastHeard.setRelease(now);
                String line = new String(buffer, 0, ws.lastLength(), StandardCharsets.UTF_8);
                int t = line.indexOf(marker);
                if (t < 0) {
                    continue;
                }
                long sent = Long.parseLong(line, t + marker.length(), line.length(), 10);
                histogram.incrementAndGet((int) Math.min(BUCKETS - 1, Math.max(0, now - sent) / BUCKET_NANOS));
                delivered.incrementAndGet();
            }
        } catch (IOException | NumberFormatException closed) {
            // The end of the run closes every socket under its reader.
        }
    }

    private void fail(int index, Exception e) {
        failures.incrementAndGet();
        firstError.compareAndSet(null, "member " + index + ": " + e);
    }

    private double percentile(double p) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += histogram.get(i);
        }
        long want = Math.max(1, (long) Math.ceil(total * p));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += histogram.get(i);
            if (seen >= want) {
                return (i + 1) * BUCKET_NANOS / 1e6;
            }
        }
        return 0;
    }
}
