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

    /**
     * Queues {@code length} bytes of the file at {@code path} from {@code position}, to be sent after
     * what is queued and before what is written next, without holding the file in memory: the
     * server hands it to the kernel ({@code sendfile(2)} on the native transport when no layer
     * such as TLS is in the way), or reads it one 64 KiB chunk at a time as the socket takes it.
     * Like {@link #write}, nothing is sent before a flush. The bytes count in {@link
     * #pendingWriteBytes()}, so a large file makes the connection not writable until most of it
     * is sent. A file that turns out shorter than the range aborts the connection (the length
     * was promised to the peer). Ignored on a closed or closing connection.
     *
     * <p>The server's and the testkit's connections implement it; the default, for connections a
     * test writes by hand, refuses.
     *
     * @throws java.io.IOException if the file cannot be opened (then nothing is queued)
     */
    default void sendFile(java.nio.file.Path path, long position, long length) throws java.io.IOException {
        throw new UnsupportedOperationException(getClass().getName() + " cannot send files");
    }

    /** Sends what is queued, as far as the socket takes it now; the rest waits for WRITE readiness. */
    void flush();

    /** {@link #write} then {@link #flush}. */
    default void writeAndFlush(ByteBuf data) {
        write(data);
        flush();
    }

    /**
     * What the outbound queue costs: the bytes queued and not yet accepted by the socket, plus a
     * fixed overhead for each queued buffer (64 B in the server and the testkit), so that many
     * tiny writes count as the memory they hold. The water marks behind {@link #isWritable()}
     * compare this figure; it is 0 when nothing is queued.
     */
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
     * Hands this connection to {@code next}, with the bytes this handler read but did not consume
     * (the start of the next protocol, such as the first WebSocket frame after an HTTP Upgrade).
     *
     * <p>Once the current callback returns, {@code next} becomes the handler: it gets {@link
     * ProtocolHandler#onOpen} (where {@link #isWritable()} tells it the current writability), then
     * {@link ProtocolHandler#onRead} with {@code unread} if it has readable bytes, then everything
     * that arrives later, in order. The current handler gets no further call, not even {@link
     * ProtocolHandler#onClose}: it releases what it holds before it switches. What it wrote before
     * the switch is sent first; reading stays paused or resumed as it left it.
     *
     * {@snippet :
     * // in an HTTP handler's onRead, after answering 101 Switching Protocols:
     * connection.write(response);
     * connection.switchHandler(new WebSocketHandler(), rest);   // rest: bytes after the request
     * }
     *
     * <p>The server's and the testkit's connections implement it; the default, for connections a
     * test writes by hand, refuses.
     *
     * @param unread bytes for {@code next}, owned by the connection from this call on (released if
     *     the connection closes first); {@code null} for none
     * @throws IllegalStateException if the connection is closed or already switching (and {@code
     *     unread} is released)
     */
    default void switchHandler(ProtocolHandler next, ByteBuf unread) {
        if (unread != null) {
            unread.release();
        }
        throw new UnsupportedOperationException(getClass().getName() + " cannot switch handlers");
    }

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
