package io.jselectors.bench;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The closed-loop runner of the TLS and WebSocket load generators: one virtual thread per
 * connection doing blocking I/O (so a TLS or WebSocket client is a few straight lines, not a state
 * machine), a shared count of operations per connection, and a measured window after a warm-up in
 * which the server's CPU time is sampled from {@code /proc} ({@link ProcStats}). The generator's own
 * CPU does not matter to the figures it prints: they are the server's CPU time per operation, and
 * its operations per second.
 *
 * <p>Connections that fail are counted; the first failure's message is kept. Every run is bounded:
 * connecting by {@link #CONNECT_TIMEOUT_NANOS}, the rest by the warm-up and the measured time, and
 * the connection threads get {@link #STOP_GRACE_MILLIS} to notice the end before their sockets are
 * closed under them.
 */
final class BlockingLoad {

    /**
     * How long all connections together may take to connect and finish their handshakes: 60 s,
     * since a hundred TLS handshakes on a one-worker server of a machine loaded 10x over took
     * longer than 20 s (seen); a quiet machine needs well under a second.
     */
    static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * Connections opening (connect plus TLS or WebSocket handshake) at once. Opening them all at
     * once makes a one-worker server queue a hundred handshakes, and the last ones run into the
     * server's handshake timeout on a busy machine; the load phase is what is measured.
     */
    static final int MAX_CONCURRENT_OPENS = 16;

    /** How long the threads get after the end before the run stops waiting for them. */
    static final long STOP_GRACE_MILLIS = 2_000;

    /** One connection's body; runs on its own virtual thread. */
    interface Client {

        /** Connects (and handshakes); returns once the connection is ready for load. */
        void open() throws IOException;

        /**
         * Sends and checks operations until {@code run.stopped()}, calling {@code run.done(index)}
         * once per completed operation.
         */
        void loop(BlockingLoad run, int index) throws IOException;

        /** Closes the socket; may be called from another thread to unblock {@link #loop}. */
        void close();
    }

    /** The outcome of a run. */
    record Result(int connections, double seconds, long ops, long errors, String firstError,
            ProcStats.ServerUsage server, String extra) {

        double opsPerSecond() {
            return seconds > 0 ? ops / seconds : 0;
        }

        boolean clean() {
            return errors == 0 && ops > 0;
        }

        /** The {@code key=value} line scripts read: {@code rtt_per_s} is what pair-load.sh takes. */
        String line(String what) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "%s conns=%d seconds=%.2f ops=%d rtt_per_s=%.1f errors=%d", what, connections, seconds, ops,
                    opsPerSecond(), errors));
            if (server != null) {
                b.append(String.format(Locale.ROOT, " server_cpu=%.0f%% server_us_per_op=%.4f",
                        server.serverCpuPercent(), server.serverUsPerOp()));
                if (!Double.isNaN(server.coreLoadPercent())) {
                    b.append(String.format(Locale.ROOT, " core_load=%.0f%%", server.coreLoadPercent()));
                }
            }
            if (!extra.isEmpty()) {
                b.append(' ').append(extra);
            }
            return b.toString();
        }

        String summary(String what) {
            return String.format(Locale.ROOT, "%s: %d connections, %.0f ops/s over %.1f s, %d errors%s", what, connections,
                    opsPerSecond(), seconds, errors, firstError == null ? "" : " (first: " + firstError + ")");
        }
    }

    private final AtomicLongArray counts;
    private volatile boolean stopped;
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final AtomicLongArray failed;

    private BlockingLoad(int connections) {
        this.counts = new AtomicLongArray(connections);
        this.failed = new AtomicLongArray(connections);
    }

    /** Whether the run is over; connection loops check it between operations. */
    boolean stopped() {
        return stopped;
    }

    /** One more operation done on connection {@code index} (only its own thread calls this). */
    void done(int index) {
        counts.setRelease(index, counts.getPlain(index) + 1);
    }

    private long total() {
        long sum = 0;
        for (int i = 0; i < counts.length(); i++) {
            sum += counts.getAcquire(i);
        }
        return sum;
    }

    private void fail(int index, Exception e) {
        failed.set(index, 1);
        firstError.compareAndSet(null, "connection " + index + ": " + e);
    }

    private long failures() {
        long n = 0;
        for (int i = 0; i < failed.length(); i++) {
            n += failed.get(i);
        }
        return n;
    }

    /**
     * Opens every client, warms up for {@code warmupSeconds}, measures for {@code seconds}, then
     * stops and closes them. {@code serverPid} 0 skips the server's CPU figures. {@code extra} adds
     * fields to the result line (evaluated after the run).
     *
     * @throws IOException if the connections could not all be opened in time
     */
    static Result run(Client[] clients, double warmupSeconds, double seconds, long serverPid,
            java.util.function.Supplier<String> extra) throws IOException {
        return run(clients, warmupSeconds, seconds, serverPid, null, extra);
    }

    /**
     * {@link #run(Client[], double, double, long, java.util.function.Supplier)}, writing {@code
     * start MILLIS} to {@code windowFile} (when not null) as the measured window opens and {@code
     * stop MILLIS} as it closes (epoch milliseconds), so that a script can count what the server
     * does (syscalls, engine calls) over exactly the window the ops are counted in.
     */
    static Result run(Client[] clients, double warmupSeconds, double seconds, long serverPid, java.nio.file.Path windowFile,
            java.util.function.Supplier<String> extra) throws IOException {
        BlockingLoad run = new BlockingLoad(clients.length);
        CountDownLatch opened = new CountDownLatch(clients.length);
        Semaphore opening = new Semaphore(MAX_CONCURRENT_OPENS);
        Thread[] threads = new Thread[clients.length];
        for (int i = 0; i < clients.length; i++) {
            int index = i;
            Client client = clients[i];
            threads[i] = Thread.ofVirtual().name("load-" + i).start(() -> {
                try {
                    opening.acquire();
                    try {
                        client.open();
                    } finally {
                        opening.release();
                    }
                } catch (IOException | RuntimeException | InterruptedException e) {
                    run.fail(index, e);
                    opened.countDown();
                    client.close();
                    return;
                }
                opened.countDown();
                try {
                    // The load starts once every connection is open: handshakes are not part of the measure.
                    if (!opened.await(CONNECT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
                        return;
                    }
                    client.loop(run, index);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | RuntimeException e) {
                    if (!run.stopped) {
                        run.fail(index, e);
                    }
                } finally {
                    client.close();
                }
            });
        }
        try {
            try {
                if (!opened.await(CONNECT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
                    throw new IOException(opened.getCount() + " of " + clients.length + " connections did not open within "
                            + TimeUnit.NANOSECONDS.toSeconds(CONNECT_TIMEOUT_NANOS) + " s");
                }
                if (run.failures() == clients.length) {
                    throw new IOException("every connection failed; first: " + run.firstError.get());
                }
                Thread.sleep(Math.round(warmupSeconds * 1000));
                ProcStats.Snapshot before = serverPid > 0 ? ProcStats.Snapshot.take(serverPid) : null;
                mark(windowFile, "start");
                long ops0 = run.total();
                long t0 = System.nanoTime();
                Thread.sleep(Math.round(seconds * 1000));
                long ops1 = run.total();
                long t1 = System.nanoTime();
                mark(windowFile, "stop");
                ProcStats.ServerUsage usage = before == null ? null : before.until(ProcStats.Snapshot.take(serverPid), ops1 - ops0);
                run.stopped = true;
                return new Result(clients.length, (t1 - t0) / 1e9, ops1 - ops0, run.failures(), run.firstError.get(), usage,
                        extra.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        } finally {
            run.stopped = true;
            stopAll(clients, threads);
        }
    }

    /** Appends {@code what} and the time to {@code windowFile}, if there is one. */
    private static void mark(java.nio.file.Path windowFile, String what) throws IOException {
        if (windowFile != null) {
            java.nio.file.Files.writeString(windowFile, what + " " + System.currentTimeMillis() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    /** Closes {@code c} if there is one, ignoring a failure: the end of a run, the figures are taken. */
    static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // Nothing to do about it at the end of a run.
        }
    }

    private static void stopAll(Client[] clients, Thread[] threads) {
        long deadline = System.currentTimeMillis() + STOP_GRACE_MILLIS;
        for (Client c : clients) {
            // A thread blocked in a read wakes with an exception once its socket is closed.
            c.close();
        }
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
