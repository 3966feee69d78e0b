package io.jselectors.server;

/**
 * How much the kernel may hold for a listener's connections: each accepted connection's receive
 * and send buffer, and the accept queue's length.
 *
 * <p>The kernel's memory for sockets is the server's too: cgroup v2 charges a container for its
 * sockets' buffers, and a connection queued for accept already holds whatever its client sent, all
 * charged at once when it is accepted. So under a memory limit {@code serve} fixes the buffers and
 * shortens the queue ({@link MemorySizing#decideSockets}); without one the kernel's defaults
 * and autotuning stay, with {@link #DEFAULT_BACKLOG}.
 *
 * @param buffer SO_RCVBUF and SO_SNDBUF of each accepted connection, bytes; 0 for the kernel's
 *     defaults and autotuning
 * @param backlog the accept queue's length, {@code listen(2)}'s backlog
 */
public record SocketSizing(int buffer, int backlog) {

    /** The accept queue without a memory limit: 1024, room for a burst of connects between two turns of the loop. */
    public static final int DEFAULT_BACKLOG = 1024;

    /** The kernel's buffers and the default queue. */
    public static final SocketSizing KERNEL = new SocketSizing(0, DEFAULT_BACKLOG);

    /** Validates both. */
    public SocketSizing {
        if (buffer < 0) {
            throw new IllegalArgumentException("socket buffer cannot be negative, not " + buffer);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("accept backlog must be at least 1, not " + backlog);
        }
    }
}
