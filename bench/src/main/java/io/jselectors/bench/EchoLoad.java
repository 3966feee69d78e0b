package io.jselectors.bench;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.SocketOption;
import io.jselectors.posix.Sockets;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

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
public final class EchoLoad implements AutoCloseable {

    /** Most bytes per read or write call; also the size of the one read buffer. */
    static final int MAX_CHUNK = 256 * 1024;

    /** How long all connections together may take to connect before the run is abandoned. */
    static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final EchoLoadOptions options;
    private final Selector selector;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment callState = Native.newCallState(arena);
    private final MemorySegment readBuffer = arena.allocate(MAX_CHUNK);
    private final Payload payload = new Payload(arena, MAX_CHUNK);
    private final EchoConnection[] connections;
    // A field, so that select is not handed a new lambda every turn.
    private final ReadyConsumer onReady = this::onReady;

    private int connecting;
    private long errors;
    private long mismatches;
    private String firstError;
    private IOException connectFailure;

    /** Opens the selector; connections are opened by {@link #run()}. */
    public EchoLoad(EchoLoadOptions options) throws IOException {
        this.options = options;
        this.selector = options.selector() == null ? Selector.open() : Selector.open(options.selector());
        this.connections = new EchoConnection[options.connections()];
    }

    /** What one run measured. */
    public record Result(
            EchoLoadOptions options, String selector, double seconds, long bytes, long errors, long mismatches, int alive,
            String firstError, ProcStats.ServerUsage server) {

        /** Completed round trips (messages echoed back in full) per second. */
        public double roundTripsPerSecond() {
            return seconds > 0 ? bytes / (double) options.size() / seconds : 0;
        }

        /** Echoed bytes received per second, in MiB (one direction, as the C echo_load counts). */
        public double mibPerSecond() {
            return seconds > 0 ? bytes / seconds / (1024.0 * 1024.0) : 0;
        }

        /** For people: the rates and what went wrong. */
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
        public String line() {
            return String.format(Locale.ROOT,
                    "echo_load_java conns=%d depth=%d size=%d seconds=%.2f rtt_per_s=%.1f MiB_per_s=%.2f errors=%d "
                            + "mismatches=%d alive=%d selector=%s",
                    options.connections(), options.depth(), options.size(), seconds, roundTripsPerSecond(), mibPerSecond(),
                    errors, mismatches, alive, selector) + (server == null ? "" : " " + server.fields());
        }

        /** No connection failed and every byte came back as sent. */
        public boolean clean() {
            return errors == 0 && mismatches == 0;
        }
    }

    /**
     * Connects, warms up, measures and returns the result. Bounded: at most the connect timeout,
     * the warm-up and the measured seconds.
     *
     * @throws IOException if a connection cannot be opened or connected
     */
    public Result run() throws IOException {
        openConnections();
        long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
        while (connecting > 0 && connectFailure == null && System.nanoTime() < deadline) {
            selector.selectNanos(deadline - System.nanoTime(), onReady);
        }
        if (connectFailure != null) {
            throw connectFailure;
        }
        if (connecting > 0) {
            throw new IOException(connecting + " of " + connections.length + " connections to " + options.address()
                    + " did not connect within " + TimeUnit.NANOSECONDS.toSeconds(CONNECT_TIMEOUT_NANOS) + " s");
        }
        runUntil(System.nanoTime() + nanos(options.warmupSeconds()));
        ProcStats.Snapshot serverBefore = options.serverPid() > 0 ? ProcStats.Snapshot.take(options.serverPid()) : null;
        long before = receivedTotal();
        long start = System.nanoTime();
        long end = runUntil(start + nanos(options.seconds()));
        long bytes = receivedTotal() - before;
        ProcStats.ServerUsage server = serverBefore == null ? null
                : serverBefore.until(ProcStats.Snapshot.take(options.serverPid()), bytes / (double) options.size());
        int alive = 0;
        for (EchoConnection c : connections) {
            alive += c.alive ? 1 : 0;
        }
        return new Result(options, selector.name(), (end - start) / 1e9, bytes, errors, mismatches, alive, firstError,
                server);
    }

    private void openConnections() throws IOException {
        for (int i = 0; i < connections.length; i++) {
            int fd;
            try {
                fd = Sockets.connect(options.address());
            } catch (ErrnoException e) {
                throw new IOException("connection " + i + " to " + options.address() + ": " + e.getMessage(), e);
            }
            EchoConnection c = new EchoConnection(i, fd);
            connections[i] = c;
            // Connected or still connecting, the socket turns writable once the handshake is done.
            selector.register(c, Selector.EVENT_WRITE, c);
            connecting++;
        }
    }

    /** Serves events until {@code deadline} (System.nanoTime) or until every connection failed. */
    private long runUntil(long deadline) throws IOException {
        long now = System.nanoTime();
        while (now < deadline && errors < connections.length) {
            selector.selectNanos(deadline - now, onReady);
            now = System.nanoTime();
        }
        return now;
    }

    private void onReady(SelectorKey key, int events) {
        EchoConnection c = (EchoConnection) key.data();
        if (!c.alive) {
            return;
        }
        if (!c.connected) {
            finishConnect(c);
            return;
        }
        if ((events & Selector.EVENT_READ) != 0) {
            onReadable(c);
        }
        if (c.alive && (events & Selector.EVENT_WRITE) != 0) {
            sendMore(c);
        }
    }

    private void finishConnect(EchoConnection c) {
        try {
            Sockets.finishConnect(c.fd);
            Sockets.setOption(c.fd, SocketOption.TCP_NODELAY, 1);
            c.connected = true;
            connecting--;
            selector.modify(c, Selector.EVENT_READ, c);
        } catch (IOException e) {
            connectFailure = new IOException(c + " to " + options.address() + ": " + e.getMessage(), e);
            fail(c, e.getMessage());
            return;
        }
        sendMore(c);
    }

    /** Sends until {@code depth} messages beyond the last completed one are in flight. */
    private void sendMore(EchoConnection c) {
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

    private void onReadable(EchoConnection c) {
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

    private void watchWrite(EchoConnection c, boolean on) {
        if (c.watchingWrite == on) {
            return;
        }
        try {
            selector.modify(c, on ? Selector.EVENT_READ | Selector.EVENT_WRITE : Selector.EVENT_READ, c);
            c.watchingWrite = on;
        } catch (IOException e) {
            fail(c, "modify: " + e.getMessage());
        }
    }

    /** Counts the failure, then unregisters and closes the connection; later events are dropped. */
    private void fail(EchoConnection c, String why) {
        if (!c.alive) {
            return;
        }
        errors++;
        if (firstError == null) {
            firstError = c + ": " + why;
        }
        closeConnection(c);
    }

    private void closeConnection(EchoConnection c) {
        if (!c.alive) {
            return;
        }
        try {
            selector.unregister(c);
        } catch (IOException | RuntimeException ignored) {
            // Closing anyway: the fd leaves the kernel's interest set when it is closed.
        }
        c.alive = false;
        try {
            Libc.close(c.fd);
        } catch (ErrnoException ignored) {
            // close releases the fd even when it reports an error; nothing to retry.
        }
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

    /** Closes every connection still open, the selector and the native memory. */
    @Override
    public void close() throws IOException {
        try {
            for (EchoConnection c : connections) {
                if (c != null) {
                    closeConnection(c);
                }
            }
            selector.close();
        } finally {
            arena.close();
        }
    }

    /**
     * Runs one load; exit status 0 if it was clean, 1 if a connection failed or a byte came back
     * wrong (the result is printed either way), 2 for bad arguments.
     */
    public static void main(String[] args) {
        EchoLoadOptions options;
        try {
            if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
                System.out.print(EchoLoadOptions.USAGE);
                return;
            }
            options = EchoLoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("EchoLoad: " + e.getMessage());
            System.err.print(EchoLoadOptions.USAGE);
            System.exit(2);
            return;
        }
        Result result;
        try (EchoLoad load = new EchoLoad(options)) {
            result = load.run();
        } catch (IOException | RuntimeException e) {
            System.err.println("EchoLoad: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.err.println(result.summary());
        System.out.println(result.line());
        if (!result.clean()) {
            System.exit(1);
        }
    }
}
