package io.jselectors.bench;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.socket.SocketOption;
import io.jselectors.posix.socket.SocketOptions;
import io.jselectors.posix.socket.Sockets;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;

/**
 * The closed-loop client both load generators run: open every connection with a non-blocking
 * connect watched for WRITE, finish it (TCP_NODELAY, then READ), dispatch readiness to the
 * subclass's {@link #onReadable} and {@link #sendMore}, toggle WRITE interest as sends fall short,
 * and count failures, closing the connection that failed. What is sent and how replies are checked
 * is the subclass's business.
 *
 * <p>One thread, one selector, one confined arena for the subclass's native buffers.
 *
 * @param <C> the connection type
 */
abstract class LoadLoop<C extends LoadConnection> implements AutoCloseable {

    /** What a run's result offers {@link #main}: a summary for people, a line for scripts, and whether all went right. */
    interface Outcome {
        String summary();

        String line();

        boolean clean();
    }

    /** Builds a load from its options, runs it and closes it. */
    @FunctionalInterface
    interface Runner<O> {
        Outcome run(O options) throws IOException;
    }

    /** How long all connections together may take to connect before the run is abandoned. */
    static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    final Selector selector;
    final Arena arena = Arena.ofConfined();
    final MemorySegment callState = Native.newCallState(arena);
    final C[] connections;
    private final InetSocketAddress address;
    // A field, so that select is not handed a new lambda every turn.
    private final ReadyConsumer onReady = this::onReady;

    private int connecting;
    long errors;
    long mismatches;
    String firstError;
    private IOException connectFailure;

    /** Opens the selector ({@code null} name: the default); connections are opened by {@link #connectAll()}. */
    LoadLoop(String selectorName, InetSocketAddress address, C[] connections) throws IOException {
        this.selector = selectorName == null ? Selector.open() : Selector.open(selectorName);
        this.address = address;
        this.connections = connections;
    }

    /** A new connection for the freshly opened socket {@code fd}. */
    abstract C newConnection(int index, int fd);

    /** Sends what the connection may send now; called once connected and whenever it turns writable. */
    abstract void sendMore(C c);

    /** Reads and checks what arrived; called when the connection turns readable. */
    abstract void onReadable(C c);

    /**
     * Opens every connection and waits until all have connected. Bounded by the connect timeout.
     *
     * @throws IOException if a connection cannot be opened or connected
     */
    final void connectAll() throws IOException {
        for (int i = 0; i < connections.length; i++) {
            int fd;
            try {
                fd = Sockets.connect(address);
            } catch (ErrnoException e) {
                throw new IOException("connection " + i + " to " + address + ": " + e.getMessage(), e);
            }
            C c = newConnection(i, fd);
            connections[i] = c;
            // Connected or still connecting, the socket turns writable once the handshake is done.
            selector.register(c, Selector.EVENT_WRITE, c);
            connecting++;
        }
        long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
        while (connecting > 0 && connectFailure == null && System.nanoTime() < deadline) {
            selector.selectNanos(deadline - System.nanoTime(), onReady);
        }
        if (connectFailure != null) {
            throw connectFailure;
        }
        if (connecting > 0) {
            throw new IOException(connecting + " of " + connections.length + " connections to " + address
                    + " did not connect within " + TimeUnit.NANOSECONDS.toSeconds(CONNECT_TIMEOUT_NANOS) + " s");
        }
    }

    /** Serves events until {@code deadline} (System.nanoTime) or until every connection failed. */
    final long runUntil(long deadline) throws IOException {
        long now = System.nanoTime();
        while (now < deadline && errors < connections.length) {
            selector.selectNanos(deadline - now, onReady);
            now = System.nanoTime();
        }
        return now;
    }

    /** Connections neither failed nor closed. */
    final int alive() {
        int alive = 0;
        for (C c : connections) {
            alive += c.alive ? 1 : 0;
        }
        return alive;
    }

    @SuppressWarnings("unchecked")
    private void onReady(SelectorKey key, int events) {
        C c = (C) key.data();
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

    private void finishConnect(C c) {
        try {
            Sockets.finishConnect(c.fd);
            SocketOptions.set(c.fd, SocketOption.TCP_NODELAY, 1);
            c.connected = true;
            connecting--;
            selector.modify(c, Selector.EVENT_READ, c);
        } catch (IOException e) {
            connectFailure = new IOException(c + " to " + address + ": " + e.getMessage(), e);
            fail(c, e.getMessage());
            return;
        }
        sendMore(c);
    }

    /** Watches the connection for WRITE too ({@code on}) or for READ only, if that changes anything. */
    final void watchWrite(C c, boolean on) {
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
    final void fail(C c, String why) {
        if (!c.alive) {
            return;
        }
        errors++;
        if (firstError == null) {
            firstError = c + ": " + why;
        }
        closeConnection(c);
    }

    private void closeConnection(C c) {
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

    /** Closes every connection still open, the selector and the native memory. */
    @Override
    public void close() throws IOException {
        try {
            for (C c : connections) {
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
     * The generators' {@code main}: {@code -h} prints the usage; otherwise parses, runs, prints the
     * summary on stderr and the line on stdout. Exit status 0 if the run was clean, 1 if it was not
     * or could not run, 2 for bad arguments.
     */
    static <O> void main(String name, String usage, String[] args, Function<String[], O> parse, Runner<O> runner) {
        O options;
        try {
            if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
                System.out.print(usage);
                return;
            }
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(name + ": " + e.getMessage());
            System.err.print(usage);
            System.exit(2);
            return;
        }
        Outcome result;
        try {
            result = runner.run(options);
        } catch (IOException | RuntimeException e) {
            System.err.println(name + ": " + e.getMessage());
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
