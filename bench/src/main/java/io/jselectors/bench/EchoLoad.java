package io.jselectors.bench;

import io.jselectors.posix.Errno;
import io.jselectors.posix.Libc;
import io.jselectors.selector.Selector;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * A closed-loop echo load generator written on our own {@link Selector}, the classic selectors
 * client: each connection is opened with a non-blocking connect and watched for WRITE; once
 * connected it sends, then waits for READ, and sends again as its messages come back.
 *
 * <p>Every connection keeps {@code depth} messages of {@code size} bytes in flight: it may have
 * sent at most {@code (completed messages + depth) * size} bytes. Every echoed byte is compared
 * with what was sent ({@link Payload}); a connection that gets a wrong byte, more bytes than it
 * sent, an error or an early close is counted as an error and closed. After a warm-up it measures
 * for the given seconds, prints a summary and one machine-readable line, and stops by itself.
 *
 * <p>One thread, one selector. The hot path allocates nothing: reads and writes go through {@link
 * Libc}'s raw-address calls on native memory from one arena, and select hands keys to a consumer.
 *
 * {@snippet lang=sh :
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/jselectors-bench.jar \
 *     io.jselectors.bench.EchoLoad -c 100 -d 1 -s 64 -t 10 -p 9000
 * }
 */
public final class EchoLoad extends LoadLoop<EchoConnection> {

    /** Most bytes per read or write call; also the size of the one read buffer. */
    static final int MAX_CHUNK = 256 * 1024;

    private final EchoLoadOptions options;
    private final MemorySegment readBuffer = arena.allocate(MAX_CHUNK);
    private final Payload payload = new Payload(arena, MAX_CHUNK);

    /** Opens the selector; connections are opened by {@link #run()}. */
    public EchoLoad(EchoLoadOptions options) throws IOException {
        super(options.selector(), options.address(), new EchoConnection[options.connections()]);
        this.options = options;
    }

    /** What one run measured. */
    public record Result(
            EchoLoadOptions options, String selector, double seconds, long bytes, long errors, long mismatches, int alive,
            String firstError, ProcStats.ServerUsage server) implements LoadLoop.Outcome {

        /** Completed round trips (messages echoed back in full) per second. */
        public double roundTripsPerSecond() {
            return seconds > 0 ? bytes / (double) options.size() / seconds : 0;
        }

        /** Echoed bytes received per second, in MiB (one direction, as the C echo_load counts). */
        public double mibPerSecond() {
            return seconds > 0 ? bytes / seconds / (1024.0 * 1024.0) : 0;
        }

        /** For people: the rates and what went wrong. */
        @Override
        public String summary() {
            return String.format(Locale.ROOT,
                    "EchoLoad on %s: %d connections x %d in flight x %d B for %.2f s: %,.0f round trips/s, %.2f MiB/s, "
                            + "%d errors (%d payload mismatches), %d connections alive%s",
                    selector, options.connections(), options.depth(), options.size(), seconds, roundTripsPerSecond(),
                    mibPerSecond(), errors, mismatches, alive, firstError == null ? "" : "; first error: " + firstError);
        }

        /**
         * For scripts: one line of {@code key=value}, with the keys the shared {@code run.sh} reads
         * from the C {@code echo_load} ({@code rtt_per_s}, {@code MiB_per_s}, {@code errors}).
         */
        @Override
        public String line() {
            return String.format(Locale.ROOT,
                    "echo_load_java conns=%d depth=%d size=%d seconds=%.2f rtt_per_s=%.1f MiB_per_s=%.2f errors=%d "
                            + "mismatches=%d alive=%d selector=%s",
                    options.connections(), options.depth(), options.size(), seconds, roundTripsPerSecond(), mibPerSecond(),
                    errors, mismatches, alive, selector) + (server == null ? "" : " " + server.fields());
        }

        /** No connection failed and every byte came back as sent. */
        @Override
        public boolean clean() {
            return errors == 0 && mismatches == 0;
        }
    }

    @Override
    EchoConnection newConnection(int index, int fd) {
        return new EchoConnection(index, fd);
    }

    /**
     * Connects, warms up, measures and returns the result. Bounded: at most the connect timeout,
     * the warm-up and the measured seconds.
     *
     * @throws IOException if a connection cannot be opened or connected
     */
    public Result run() throws IOException {
        connectAll();
        runUntil(System.nanoTime() + nanos(options.warmupSeconds()));
        ProcStats.Snapshot serverBefore = options.serverPid() > 0 ? ProcStats.Snapshot.take(options.serverPid()) : null;
        long before = receivedTotal();
        long start = System.nanoTime();
        long end = runUntil(start + nanos(options.seconds()));
        long bytes = receivedTotal() - before;
        ProcStats.ServerUsage server = serverBefore == null ? null
                : serverBefore.until(ProcStats.Snapshot.take(options.serverPid()), bytes / (double) options.size());
        return new Result(options, selector.name(), (end - start) / 1e9, bytes, errors, mismatches, alive(), firstError,
                server);
    }

    /** Sends until {@code depth} messages beyond the last completed one are in flight. */
    @Override
    void sendMore(EchoConnection c) {
        long size = options.size();
        long target = (c.received / size + options.depth()) * size;
        while (c.sent < target) {
            long len = Math.min(target - c.sent, MAX_CHUNK);
            long n = Libc.write(callState, c.fd, payload.address(c.seed, c.sent), len);
            if (n < 0) {
                if (n == -Errno.EINTR) {
                    continue;
                }
                if (n == -Errno.EAGAIN) {
                    watchWrite(c, true);
                } else {
                    fail(c, "write: " + Errno.name((int) -n));
                }
                return;
            }
            c.sent += n;
        }
        watchWrite(c, false);
    }

    @Override
    void onReadable(EchoConnection c) {
        long n = Libc.read(callState, c.fd, readBuffer.address(), MAX_CHUNK);
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
            return; // a spurious wakeup: nothing to read after all
        }
        if (n <= 0) {
            fail(c, n == 0 ? "closed by the server" : "read: " + Errno.name((int) -n));
            return;
        }
        if (c.received + n > c.sent) {
            fail(c, "the server sent " + (c.received + n - c.sent) + " bytes more than it was sent");
            return;
        }
        if (!payload.matches(readBuffer, 0, (int) n, c.seed, c.received)) {
            mismatches++;
            fail(c, "echoed bytes differ from those sent, within stream bytes " + c.received + ".." + (c.received + n));
            return;
        }
        c.received += n;
        sendMore(c);
    }

    private long receivedTotal() {
        long total = 0;
        for (EchoConnection c : connections) {
            total += c.received;
        }
        return total;
    }

    private static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }

    /**
     * Runs one load; exit status 0 if it was clean, 1 if a connection failed or a byte came back
     * wrong (the result is printed either way), 2 for bad arguments.
     */
    public static void main(String[] args) {
        LoadLoop.main("EchoLoad", EchoLoadOptions.USAGE, args, EchoLoadOptions::parse, options -> {
            try (EchoLoad load = new EchoLoad(options)) {
                return load.run();
            }
        });
    }
}
