package io.jselectors.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/**
 * One open WebSocket connection, as an endpoint sees it. Call its methods on the connection's loop
 * (the thread the endpoint's callbacks run on). Sends after the close handshake started are
 * dropped (and their buffers released): RFC 6455 section 5.5.1 forbids data after a close frame.
 */
public interface WebSocketSession {

    /** The underlying connection's id, unique among the server's connections. */
    long id();

    /** The subprotocol agreed in the handshake, or null if none. */
    String subprotocol();

    /** The peer's address. */
    InetSocketAddress remoteAddress();

    /** Sends {@code text} as one text message. */
    void sendText(CharSequence text);

    /**
     * Sends {@code utf8}'s readable bytes as one text message, without copying them; takes ownership
     * of {@code utf8}. For an endpoint that sends the same text to many sessions (pass each a {@code
     * retainedDuplicate()}): the bytes must be UTF-8, which is not checked here (the endpoint built
     * them), and a peer closes the session with 1007 if they are not.
     */
    void sendText(ByteBuf utf8);

    /** Sends {@code data}'s readable bytes as one binary message; takes ownership of {@code data}. */
    void sendBinary(ByteBuf data);

    /**
     * Sends a message framed once for many sessions: queues a retained duplicate of its frame (no
     * copy, no encoding). The caller keeps its own reference to {@code message}.
     */
    void send(WebSocketMessage message);

    /**
     * Stops handing messages to the endpoint: the message being delivered now is the last until
     * {@link #resumeReading()}; bytes already read are kept and the socket is not read meanwhile,
     * so TCP pushes back on the peer. For an endpoint whose input makes work it must wait for (a
     * chat sender whose lines are still being delivered). Idempotent. A pause longer than the
     * session's ping interval may close it: the peer's pongs wait behind the pause too.
     */
    void pauseReading();

    /**
     * Hands on the messages kept since {@link #pauseReading()} (from a loop task, not inside this
     * call) and reads the socket again, unless its outbound queue is still over the high water
     * mark. Idempotent.
     */
    void resumeReading();

    /** Whether the outbound queue is below the high water mark (the connection's writability). */
    boolean isWritable();

    /** Bytes queued on the connection and not yet taken by the socket (frames included). */
    long pendingWriteBytes();

    /** The loop the session belongs to for life; its endpoint's callbacks run only there. */
    EventLoop loop();

    /** The pooled allocator to build output with. */
    ByteBufAllocator alloc();

    /** Whether the session is open and no close frame was sent or received. */
    boolean isOpen();

    /**
     * Starts the closing handshake: sends a close frame with {@code code} and {@code reason} (cut to
     * 123 UTF-8 bytes), then waits for the peer's close frame before closing the connection, for at
     * most the session's close timeout. Idempotent.
     *
     * @throws IllegalArgumentException if {@code code} may not be sent ({@link
     *     WebSocketCloseCodes#isValidOnWire})
     */
    void close(int code, String reason);

    /** Drops the connection now, without a close handshake (a peer that stopped reading). Idempotent. */
    void abort();
}
