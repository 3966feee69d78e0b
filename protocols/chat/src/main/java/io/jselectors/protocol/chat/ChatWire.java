package io.jselectors.protocol.chat;

import io.jselectors.protocol.EventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * How the chat core reaches one member, whatever the wire: a line connection ({@code nc}, {@link
 * ChatHandler}) or a WebSocket session ({@link ChatEndpoint}). The core writes UTF-8 lines that
 * end in CRLF, one buffer shared by every recipient of a room line; a wire turns them into its own
 * framing (sent as they are on a line connection, one text message per line on a WebSocket).
 * Calls run on {@link #loop()} only.
 */
interface ChatWire {

    /** The member's loop, for life. */
    EventLoop loop();

    /** The allocator to build lines with. */
    ByteBufAllocator alloc();

    /** Whether output can still reach the member. */
    boolean isOpen();

    /** Bytes queued for the member and not yet taken by the socket: what the slow-consumer limit counts. */
    long pendingWriteBytes();

    /** Queues {@code lines} (one or more, each ending in CRLF); takes ownership. */
    void write(ByteBuf lines);

    /**
     * Queues a room line shared with the other members of this loop: {@code line} (owned, a
     * duplicate of {@code framed}'s) as {@link #write} would, or the line as {@code framed} already
     * framed it for this loop. The line wire writes the bytes.
     */
    default void write(ByteBuf line, FramedLine framed) {
        write(line);
    }

    /** Sends what is queued. */
    void flush();

    /** Closes after what is queued. */
    void close();

    /** Drops the member's connection now. */
    void abort();
}
