package io.jselectors.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
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
 * Members are plain {@code nc}-style clients on virtual threads. Output, one line:
 * {@code delivered_per_s=... p50_ms=... p99_ms=... max_ms=... expected=... delivered=...
 * broker_cpu_pct=... servers_cpu_pct=...}; the CPU shares (of one core) are those of the given
 * comma-separated PIDs from /proc, over the sending window only. Exit 0.
 */
public final class ChatClusterLoad {

    /** Latency buckets: 0.1 ms wide up to 10 s; beyond that counts as the last bucket. */
    private static final int BUCKETS = 100_000;
    private static final long BUCKET_NANOS = 100_000;

    /** Time for members to connect and for every instance to settle before the sender starts. */
    private static final long SETTLE_MILLIS = 3_000;

    /** Time after the last line for late deliveries to arrive. */
    private static final long DRAIN_MILLIS = 3_000;

    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);
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
        List<Socket> sockets = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < members; i++) {
                Socket s = new Socket();
                s.connect(servers.get(i % servers.size()), 10_000);
                sockets.add(s);
                threads.execute(() -> receive(s));
            }
            Socket sender = new Socket();
            sender.setTcpNoDelay(true); // one line per write, each timed: Nagle would hold them back
            sender.connect(servers.getFirst(), 10_000);
            sockets.add(sender);
            threads.execute(() -> drain(sender));
            Thread.sleep(SETTLE_MILLIS);

            OutputStream out = sender.getOutputStream();
            long total = (long) rate * seconds;
            long broker0 = cpuTicks(broker);
            long servers0 = cpuTicks(serverPids);
            long start = System.nanoTime();
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            for (long n = 0; n < total; n++) {
                long due = start + n * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                out.write(("T" + System.nanoTime() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            double elapsed = (System.nanoTime() - start) / 1e9;
            double brokerCpu = (cpuTicks(broker) - broker0) / TICKS_PER_SECOND / elapsed * 100;
            double serversCpu = (cpuTicks(serverPids) - servers0) / TICKS_PER_SECOND / elapsed * 100;
            Thread.sleep(DRAIN_MILLIS);
            long got = delivered.get();
            System.out.printf("delivered_per_s=%.0f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f expected=%d delivered=%d"
                    + " broker_cpu_pct=%.0f servers_cpu_pct=%.0f%n",
                    got / elapsed, percentile(0.50), percentile(0.99), percentile(1.0), total * members, got,
                    brokerCpu, serversCpu);
            for (Socket s : sockets) {
                s.close();
            }
            threads.shutdownNow();
        }
    }

    private void receive(Socket socket) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII), 1 << 16)) {
            for (String line; (line = in.readLine()) != null; ) {
                int t = line.indexOf(": T");
                if (t < 0) {
                    continue;
                }
                long sent = Long.parseLong(line, t + 3, line.length(), 10);
                long bucket = Math.min(BUCKETS - 1, (System.nanoTime() - sent) / BUCKET_NANOS);
                histogram.incrementAndGet((int) bucket);
                delivered.incrementAndGet();
            }
        } catch (IOException | NumberFormatException closed) {
            // closed at the end of the run
        }
    }

    private static void drain(Socket socket) {
        try {
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException closed) {
            // closed at the end of the run
        }
    }

    private double percentile(double p) {
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
