package io.jselectors.connection;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * A byte transform between the socket and the handler, such as TLS: what the socket reads goes
 * through {@link #decode} before the handler sees it, what the handler writes goes through {@link
 * #encode} before it is queued for the socket. Internal: plugins never see a layer; a connection
 * gets one from its transport or listener with {@link AbstractConnection#installLayer}.
 *
 * <p>A layer is not a one-to-one map. It may consume socket bytes and deliver nothing yet (half a
 * record), and send bytes the handler never wrote (a handshake reply); it may hold handler bytes
 * back (before a handshake completes), which is its own backpressure: {@link #pendingBytes()}
 * counts them into the connection's {@link io.jselectors.protocol.Connection#pendingWriteBytes()}.
 *
 * <p>Every call comes on the connection's loop thread. A layer owns every buffer it is given and
 * must release or pass on each one; {@link #close()} releases what it still holds.
 *
 * <p><b>Cost.</b> A connection without a layer pays one null check per read and per write, no
 * copy and no call through this interface.
 */
public interface Layer {

    /** Where a layer sends its results; implemented by the connection. */
    interface Sink {
        /** Hands decoded bytes to the handler (its onRead), which then owns them. */
        void deliver(ByteBuf plain);

        /** Queues encoded bytes for the socket, which then owns them. */
        void send(ByteBuf wire);
    }

    /** Bytes read from the socket, now owned by the layer. */
    void decode(ByteBuf wire, Sink out) throws IOException;

    /** Bytes the handler wrote, now owned by the layer. */
    void encode(ByteBuf plain, Sink out) throws IOException;

    /**
     * The connection is about to write to its socket: a layer that collects handler writes (to
     * encode them together, as TLS does into full records) passes them to {@code out} now.
     */
    default void flush(Sink out) throws IOException {}

    /**
     * The handler closed the connection: the layer may send its last bytes (TLS close_notify)
     * after what is queued; the connection closes once they are sent. While the layer still holds
     * bytes it cannot send yet ({@link #pendingBytes()} above zero: a TLS handshake under way) the
     * connection goes on reading for the layer alone (the handler reads nothing more) and closes
     * once a {@link #flush} has let them go; the layer's own limits (a handshake timeout) bound
     * the wait.
     */
    default void closing(Sink out) throws IOException {}

    /**
     * Whether the layer needs the peer's bytes for itself now (a TLS handshake under way): the
     * connection then reads even while the handler has paused reading. What such reads decode
     * waits in the connection until the handler resumes; once this turns false a paused
     * connection stops reading, so at most the read that ended the handshake is kept.
     */
    default boolean needsInput() {
        return false;
    }

    /**
     * Whether the connection must not read now, whatever the handler wants (TLS waiting for a
     * handshake slot). The layer calls the connection's {@code flush()} once it may read again,
     * which brings the selector interest up to date.
     */
    default boolean refusesInput() {
        return false;
    }

    /**
     * Whether writes given to {@link #encode} now stay inside the layer until a later {@link
     * #flush} can send them (TLS before its handshake has finished). A file sent meanwhile waits
     * in the connection, behind them and before later writes, until the layer lets them go.
     */
    default boolean holdsWrites() {
        return false;
    }

    /** Handler bytes the layer holds back and has not sent yet. */
    default long pendingBytes() {
        return 0;
    }

    /** The connection closed: release whatever the layer still holds. */
    default void close() {}
}
