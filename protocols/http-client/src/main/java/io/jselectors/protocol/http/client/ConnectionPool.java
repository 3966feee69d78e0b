package io.jselectors.protocol.http.client;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.selector.Selector;
import io.jselectors.protocol.http.client.ClientConnection.State;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's open connections, and among them the idle ones kept alive per origin ({@code
 * https://host:port}) for the next fetch there. Closing a connection here unregisters it, takes it
 * out of both sets, says {@code close_notify} if it is TLS, and closes its fd. Loop thread only.
 */
final class ConnectionPool {

    private final Selector selector;
    private final SocketIo io;
    private final List<ClientConnection> open = new ArrayList<>();
    private final Map<String, ArrayDeque<ClientConnection>> idle = new HashMap<>();

    ConnectionPool(Selector selector, SocketIo io) {
        this.selector = selector;
        this.io = io;
    }

    /** Has the selector watch {@code c} for {@code events} (READ or WRITE), registering it the first time. */
    void watch(ClientConnection c, int events) throws IOException {
        if (c.interest == 0) {
            selector.register(c, events, c);
        } else if (c.interest != events) {
            selector.modify(c, events, c);
        }
        c.interest = events;
    }

    /** The earliest deadline of a fetch in flight on a connection; {@code Long.MAX_VALUE}: none. */
    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (ClientConnection c : open) {
            if (c.fetch != null) {
                next = Math.min(next, c.fetch.deadlineNanos);
            }
        }
        return next;
    }

    /** Adds a connection just opened. */
    void add(ClientConnection c) {
        open.add(c);
    }

    /** Connections open, busy or idle. */
    int size() {
        return open.size();
    }

    /** A copy of the open connections, for a pass that may close some. */
    List<ClientConnection> snapshot() {
        return List.copyOf(open);
    }

    /** The longest-idle connection to {@code origin}, or {@code null}. */
    ClientConnection takeIdle(String origin) {
        ArrayDeque<ClientConnection> parked = idle.get(origin);
        return parked == null ? null : parked.pollFirst();
    }

    /** Keeps {@code c} for the next fetch to its host and port; it stays registered for READ. */
    void park(ClientConnection c) {
        c.state = State.IDLE;
        c.fetch = null;
        idle.computeIfAbsent(c.origin, k -> new ArrayDeque<>()).addLast(c);
    }

    /** Closes one idle connection, to make room for one to another host; false if none is idle. */
    boolean closeOneIdle() {
        for (ArrayDeque<ClientConnection> parked : idle.values()) {
            ClientConnection c = parked.peekFirst();
            if (c != null) {
                close(c);
                return true;
            }
        }
        return false;
    }

    /** Unregisters and closes {@code c}; idempotent. */
    void close(ClientConnection c) {
        if (c.state == State.CLOSED) {
            return;
        }
        if (c.interest != 0) {
            try {
                selector.unregister(c);
            } catch (IOException | RuntimeException ignored) {
                // Closing anyway: close(2) takes the fd out of the kernel's interest set.
            }
        }
        if (c.state == State.IDLE) {
            ArrayDeque<ClientConnection> parked = idle.get(c.origin);
            if (parked != null) {
                parked.remove(c);
            }
        }
        if (c.tls != null) {
            c.tls.goodbye(io, c.fd);
        }
        c.state = State.CLOSED;
        open.remove(c);
        try {
            Libc.close(c.fd);
        } catch (ErrnoException ignored) {
            // close releases the fd even when it reports an error; nothing to retry.
        }
    }

    /** Closes every connection. */
    void closeAll() {
        for (ClientConnection c : List.copyOf(open)) {
            close(c);
        }
        idle.clear();
    }
}
