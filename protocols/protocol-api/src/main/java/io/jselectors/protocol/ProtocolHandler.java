package io.jselectors.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Reacts to one connection's events. Every method is called on the connection's {@link
 * EventLoop} thread, one at a time, so a handler needs no synchronization for its own state.
 * Exceptions thrown by a handler close that connection (and are logged); they never reach other
 * connections.
 */
public interface ProtocolHandler {

    /** The connection is established; a good place for a greeting. */
    default void onOpen(Connection connection) {}

    /**
     * Bytes arrived. The handler owns {@code data}: it must release it, keep it (and release it
     * later), or pass it to {@link Connection#write}, which takes ownership.
     */
    void onRead(Connection connection, ByteBuf data);

    /**
     * The connection's outbound queue crossed a water mark: {@code writable} is false above the
     * high mark and true again below the low one. Handlers that produce output from input pause
     * reading while not writable, so a peer that does not read cannot grow the server's memory.
     */
    default void onWritabilityChanged(Connection connection, boolean writable) {}

    /**
     * The peer shut down its sending side (read returned EOF) while the connection is still open
     * for writing. The default closes the connection once pending writes are flushed.
     */
    default void onInputClosed(Connection connection) {
        connection.close();
    }

    /** Nothing was read or written for the listener's idle timeout. The default closes. */
    default void onIdle(Connection connection) {
        connection.close();
    }

    /**
     * The server is shutting down gracefully. The default closes the connection after pending
     * writes; a handler may say goodbye first, or finish its current work and close later (the
     * server aborts whatever is still open at its drain deadline).
     */
    default void onShutdown(Connection connection) {
        connection.close();
    }

    /**
     * The connection is closed; the last call this handler gets. Release what it holds here.
     *
     * @param cause why it closed: {@code null} for an orderly close (by either side), else the
     *     error (a reset, an I/O error, an exception from the handler)
     */
    default void onClose(Connection connection, Throwable cause) {}
}
