package io.jselectors.server;

import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBufAllocator;
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
    /** This loop's open connections, linked through their own fields (no entry object each). */
    private final Connections connections = new Connections();
    /** Connection count readable from other threads (shutdown waits on it). */
    private final AtomicInteger open = new AtomicInteger();
    private final ConnectionIds ids;

    Worker(IoLoop loop, ServerSettings settings, ByteBufAllocator alloc, Transport transport, ConnectionIds ids) {
        this.loop = loop;
        this.settings = settings;
        this.context = new LoopContext(loop, this, alloc, transport.newScratch(), settings.limits());
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
            SocketConnection c = new SocketConnection(context, listener, socket, ids.next());
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
        connections.forEach(c -> {
            if (now - c.lastActivityNanos >= limit) {
                c.idle();
            }
        });
        loop.schedule(() -> sweepIdle(period), period, TimeUnit.NANOSECONDS);
    }

    /** Asks every connection's handler to wind down; callable from any thread. */
    void shutdown() {
        loop.execute(() -> {
            connections.forEach(SocketConnection::shutdown);
        });
    }

    /** Closes whatever is still open; callable from any thread. */
    void abortAll() {
        loop.execute(() -> {
            connections.forEach(SocketConnection::abortForShutdown);
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

    /**
     * The worker's connections through {@link SocketConnection}'s link fields; walking it while
     * connections close (shutdown, the idle sweep, the drain deadline) needs no copy.
     */
    static final class Connections extends IntrusiveList<SocketConnection> {
        @Override
        protected SocketConnection prev(SocketConnection c) {
            return c.listPrev;
        }

        @Override
        protected SocketConnection next(SocketConnection c) {
            return c.listNext;
        }

        @Override
        protected void setPrev(SocketConnection c, SocketConnection prev) {
            c.listPrev = prev;
        }

        @Override
        protected void setNext(SocketConnection c, SocketConnection next) {
            c.listNext = next;
        }
    }

    /** Connection ids unique across the server. */
    static final class ConnectionIds {
        private final java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();

        long next() {
            return next.incrementAndGet();
        }
    }
}
