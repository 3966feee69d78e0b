package io.jselectors.server;

import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker loop and the connections it owns: adopts accepted sockets, sweeps idle connections and
 * winds its connections down on shutdown. Everything but {@link #adopt} and {@link #shutdown} runs
 * on the loop thread.
 */
final class Worker {

    private final IoLoop loop;
    private final ServerSettings settings;
    private final LoopContext context;
    private final Set<SocketConnection> connections = new LinkedHashSet<>();
    /** Connection count readable from other threads (shutdown waits on it). */
    private final AtomicInteger open = new AtomicInteger();
    private final ConnectionIds ids;

    Worker(IoLoop loop, ServerSettings settings, ByteBufAllocator alloc, Transport transport, ConnectionIds ids) {
        this.loop = loop;
        this.settings = settings;
        this.context = new LoopContext(loop, alloc, transport.newScratch(), settings.limits());
        this.ids = ids;
    }

    void start() {
        loop.start();
        if (!settings.idleTimeout().isZero()) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), settings.idleTimeout().toNanos() / 4);
            loop.schedule(() -> sweepIdle(period), period, TimeUnit.NANOSECONDS);
        }
    }

    /** Hands an accepted socket to this worker; callable from any thread. */
    void adopt(Listener listener, Transport.StreamSocket socket) {
        open.incrementAndGet();
        loop.execute(() -> {
            SocketConnection c = new SocketConnection(context, this, listener, socket, ids.next());
            connections.add(c);
            listener.meters().opened();
            listener.installLayer(c);
            c.open();
        });
    }

    void connectionClosed(SocketConnection c, CloseCause cause) {
        if (connections.remove(c)) {
            open.decrementAndGet();
            c.listener().meters().closed(cause);
            if (connections.isEmpty()) {
                context.readSpare().release(); // an idle worker holds no buffer; shutdown leaks none
            }
        }
    }

    private void sweepIdle(long period) {
        long limit = settings.idleTimeout().toNanos();
        long now = context.now();
        for (SocketConnection c : new ArrayList<>(connections)) {
            if (now - c.lastActivityNanos >= limit) {
                c.idle();
            }
        }
        loop.schedule(() -> sweepIdle(period), period, TimeUnit.NANOSECONDS);
    }

    /** Asks every connection's handler to wind down; callable from any thread. */
    void shutdown() {
        loop.execute(() -> {
            for (SocketConnection c : new ArrayList<>(connections)) {
                c.shutdown();
            }
        });
    }

    /** Closes whatever is still open; callable from any thread. */
    void abortAll() {
        loop.execute(() -> {
            for (SocketConnection c : new ArrayList<>(connections)) {
                c.abortForShutdown();
            }
        });
    }

    int openConnections() {
        return open.get();
    }

    IoLoop loop() {
        return loop;
    }

    Selector selector() {
        return loop.selector();
    }

    /** Connection ids unique across the server. */
    static final class ConnectionIds {
        private final java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();

        long next() {
            return next.incrementAndGet();
        }
    }
}
