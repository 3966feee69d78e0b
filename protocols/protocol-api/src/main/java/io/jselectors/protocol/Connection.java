package io.jselectors.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/**
 * One accepted connection, as a handler sees it. Every method must be called on the connection's
 * {@link #loop()} thread, except where noted; from another thread, use {@code
 * connection.loop().execute(() -> ...)}.
 */
public interface Connection {

    /** A number unique among this server's connections. */
    long id();

    /**
     * Queues {@code data} for sending and takes ownership of it (it is released once written, or
     * when the connection closes). Nothing is sent before {@link #flush()}, except that the server
     * flushes at the end of every read batch. Writes to a closed connection are released and
     * dropped.
     */
    void write(ByteBuf data);

    /** Sends what is queued, as far as the socket takes it now; the rest waits for WRITE readiness. */
    void flush();

    /** {@link #write} then {@link #flush}. */
    default void writeAndFlush(ByteBuf data) {
        write(data);
        flush();
    }

    /** Bytes queued and not yet accepted by the socket. */
    long pendingWriteBytes();

    /**
     * Whether the outbound queue is below the high water mark. While false, a handler should stop
     * producing output (see {@link ProtocolHandler#onWritabilityChanged}).
     */
    boolean isWritable();

    /** Stops reading from the socket until {@link #resumeReading()}; data stays in the kernel. */
    void pauseReading();

    /** Resumes reading after {@link #pauseReading()}. */
    void resumeReading();

    /** Whether reading is paused. */
    boolean isReadingPaused();

    /**
     * Closes gracefully: stops reading, sends what is queued, then closes the socket. The handler's
     * {@link ProtocolHandler#onClose} follows. Idempotent.
     */
    void close();

    /** Closes now, discarding queued data. Idempotent. */
    void abort();

    /** Whether neither {@link #close()} nor {@link #abort()} has completed and the peer has not reset. */
    boolean isOpen();

    /** The peer's address. */
    InetSocketAddress remoteAddress();

    /** The local address the connection was accepted on. */
    InetSocketAddress localAddress();

    /** The loop this connection belongs to for life; its handler runs only there. */
    EventLoop loop();

    /** The pooled allocator to build output with. */
    ByteBufAllocator alloc();
}
