package io.jselectors.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One chat room of many members spread over the given chat servers (round robin), one sender on
 * the first server sending timestamped lines at a fixed rate; reports delivered lines per second
 * and the sender-to-receiver latency percentiles (one clock: sender and receivers share this JVM).
 *
 * <pre>
 * java -cp bench.jar io.jselectors.bench.ChatClusterLoad HOST:PORT[,HOST:PORT...] MEMBERS RATE SECONDS [BROKER_PIDS [SERVER_PIDS]]
 * </pre>
 *
 * Members are plain {@code nc}-style clients, read by two selector threads. After {@value
 * #WARMUP_SECONDS} s of untimed lines at the same rate, the window starts. Output, one line:
 * {@code delivered_per_s=... p50_ms=... p99_ms=... max_ms=... expected=... delivered=...
 * broker_cpu_pct=... servers_cpu_pct=... load_cpu_pct=... same_p50_ms=... same_p99_ms=... other_p50_ms=...
 * other_p99_ms=...} (same: members on the sender's server; other: on the other servers); the CPU shares (of one core) are those of the given
 * comma-separated PIDs from /proc, over the sending window only. Exit 0.
 */
public final class ChatClusterLoad {

    /** Latency buckets: 0.1 ms wide up to 10 s; beyond that counts as the last bucket. */
    private static final int BUCKETS = 100_000;
    private static final long BUCKET_NANOS = 100_000;

    /** Time for members to connect and for every instance to settle before the sender starts. */
    private static final long SETTLE_MILLIS = 3_000;

    /** Untimed lines at the same rate before the window, so that the window sees compiled code. */
    private static final int WARMUP_SECONDS = 5;

    /** Receiving threads, each with its own selector: the machine has two cores. */
    private static final int RECEIVER_THREADS = 2;

    /** How long a receiver waits in select before it checks whether the run is over. */
    private static final long SELECT_MILLIS = 100;

    /** Time after the last line for late deliveries to arrive. */
    private static final long DRAIN_MILLIS = 3_000;

    /** All deliveries; and split by where the receiver is: on the sender's server, or another one. */
    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray sameServer = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray otherServer = new AtomicLongArray(BUCKETS);
    private final AtomicLong delivered = new AtomicLong();

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 6) {
            System.err.println("usage: ChatClusterLoad HOST:PORT[,HOST:PORT...] MEMBERS RATE_PER_S SECONDS [BROKER_PIDS [SERVER_PIDS]]");
            System.exit(2);
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String s : args[0].split(",")) {
            int colon = s.lastIndexOf(':');
            servers.add(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
        }
        List<Long> broker = pids(args.length > 4 ? args[4] : "");
        List<Long> serverPids = pids(args.length > 5 ? args[5] : "");
        new ChatClusterLoad().run(servers, Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                broker, serverPids);
    }

    private static List<Long> pids(String list) {
        List<Long> out = new ArrayList<>();
        for (String pid : list.split(",")) {
            if (!pid.isBlank() && !pid.equals("-")) {
                out.add(Long.parseLong(pid.trim()));
            }
        }
        return out;
    }

    /** CPU time of the processes, in clock ticks (utime + stime from /proc/PID/stat). */
    private static long cpuTicks(List<Long> pids) throws IOException {
        long total = 0;
        for (long pid : pids) {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return total;
    }

    /** Linux's USER_HZ: /proc counts CPU time in hundredths of a second. */
    private static final double TICKS_PER_SECOND = 100.0;

    private void run(List<InetSocketAddress> servers, int members, int rate, int seconds, List<Long> broker,
            List<Long> serverPids) throws Exception {
        List<Receiver> receivers = new ArrayList<>();
        for (int i = 0; i < RECEIVER_THREADS; i++) {
            receivers.add(new Receiver());
        }
        for (int i = 0; i < members; i++) {
            SocketChannel member = SocketChannel.open(servers.get(i % servers.size()));
            receivers.get(i % RECEIVER_THREADS).add(member, i % servers.size() == 0 ? sameServer : otherServer);
        }
        for (Receiver r : receivers) {
            Thread.ofPlatform().name("chat-load-receiver").daemon().start(r);
        }
        try (Socket sender = new Socket()) {
            sender.setTcpNoDelay(true); // one line per write, each timed: Nagle would hold them back
            sender.connect(servers.getFirst(), 10_000);
            Thread.ofPlatform().daemon().start(() -> drain(sender));
            Thread.sleep(SETTLE_MILLIS);
            OutputStream out = sender.getOutputStream();
            // Warm-up: the same rate, untimed lines (receivers ignore them), so that every instance
            // has compiled its paths before the window; the window then measures the steady state.
            send(out, rate, (long) rate * WARMUP_SECONDS, "W");
            long broker0 = cpuTicks(broker);
            long servers0 = cpuTicks(serverPids);
            long self0 = cpuTicks(List.of(ProcessHandle.current().pid()));
            long start = System.nanoTime();
            long total = (long) rate * seconds;
            send(out, rate, total, "T");
            double elapsed = (System.nanoTime() - start) / 1e9;
            double brokerCpu = (cpuTicks(broker) - broker0) / TICKS_PER_SECOND / elapsed * 100;
            double serversCpu = (cpuTicks(serverPids) - servers0) / TICKS_PER_SECOND / elapsed * 100;
            double selfCpu = (cpuTicks(List.of(ProcessHandle.current().pid())) - self0) / TICKS_PER_SECOND / elapsed * 100;
            Thread.sleep(DRAIN_MILLIS);
            long got = delivered.get();
            System.out.printf("delivered_per_s=%.0f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f expected=%d delivered=%d"
                    + " broker_cpu_pct=%.0f servers_cpu_pct=%.0f load_cpu_pct=%.0f same_p50_ms=%.1f same_p99_ms=%.1f"
                    + " other_p50_ms=%.1f other_p99_ms=%.1f%n",
                    got / elapsed, percentile(histogram, 0.50), percentile(histogram, 0.99), percentile(histogram, 1.0),
                    total * members, got, brokerCpu, serversCpu, selfCpu, percentile(sameServer, 0.50),
                    percentile(sameServer, 0.99), percentile(otherServer, 0.50), percentile(otherServer, 0.99));
        } finally {
            for (Receiver r : receivers) {
                r.close();
            }
        }
    }

    /** Sends {@code count} lines at {@code rate}/s, each {@code mark} and the send time in nanoseconds. */
    private static void send(OutputStream out, int rate, long count, String mark) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        for (long n = 0; n < count; n++) {
            long due = start + n * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            out.write((mark + System.nanoTime() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    /**
     * Members' sockets on one selector, read by one platform thread: one read per readable socket
     * and no thread switch per line, so the tool's own share of the latency stays small (1,000
     * virtual threads cost a park, an unpark and an extra read per delivered line).
     */
    private final class Receiver implements Runnable {
        private final Selector selector = Selector.open();
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
        private volatile boolean open = true;

        Receiver() throws IOException {
        }

        void add(SocketChannel channel, AtomicLongArray split) throws IOException {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, new LineScan(split));
        }

        @Override
        public void run() {
            try {
                while (open) {
                    selector.select(SELECT_MILLIS);
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        read(key);
                    }
                }
            } catch (IOException | ClosedSelectorException closed) {
                // closed at the end of the run
            }
        }

        private void read(SelectionKey key) {
            SocketChannel channel = (SocketChannel) key.channel();
            LineScan scan = (LineScan) key.attachment();
            try {
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    key.cancel();
                    return;
                }
            } catch (IOException e) {
                key.cancel();
                return;
            }
            long now = System.nanoTime();
            for (int i = 0, n = buffer.position(); i < n; i++) {
                long sent = scan.next(buffer.get(i));
                if (sent > 0) {
                    long bucket = Math.min(BUCKETS - 1, Math.max(0, now - sent) / BUCKET_NANOS);
                    histogram.incrementAndGet((int) bucket);
                    scan.split.incrementAndGet((int) bucket);
                    delivered.incrementAndGet();
                }
            }
        }

        void close() throws IOException {
            open = false;
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        }
    }

    /**
     * Finds {@code ": T<digits>"} at the end of a line, byte by byte across reads (a line may be cut
     * anywhere): the timed lines, {@code [room] nick: T<nanos>}; anything else is skipped.
     */
    private static final class LineScan {
        final AtomicLongArray split;
        private int state; // 0 scanning, 1 after ':', 2 after ": ", 3 in the digits after ": T"
        private long value;
        private int digits;

        LineScan(AtomicLongArray split) {
            this.split = split;
        }

        /** The next byte; returns the stamp when it ends a timed line, else -1. */
        long next(byte b) {
            if (b == '\n') {
                long stamp = state == 3 && digits > 0 ? value : -1;
                state = 0;
                return stamp;
            }
            if (state == 3 && b >= '0' && b <= '9') {
                value = value * 10 + (b - '0');
                digits++;
            } else if (b == ':') {
                state = 1;
            } else if (state == 1 && b == ' ') {
                state = 2;
            } else if (state == 2 && b == 'T') {
                state = 3;
                value = 0;
                digits = 0;
            } else if (b != '\r') {
                state = 0;
            }
            return -1;
        }
    }

    private static void drain(Socket socket) {
        try {
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException closed) {
            // closed at the end of the run
        }
    }

    private static double percentile(AtomicLongArray histogram, double p) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += histogram.get(i);
        }
        long want = (long) Math.ceil(total * p);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += histogram.get(i);
            if (seen >= want && seen > 0) {
                return (i + 1) * BUCKET_NANOS / 1e6;
            }
        }
        return 0;
    }
}
