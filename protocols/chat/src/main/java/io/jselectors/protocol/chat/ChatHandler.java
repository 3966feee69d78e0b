package io.jselectors.protocol.chat;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The line wire ({@code nc}, {@code telnet}): splits a connection's input into lines for its {@link
 * ChatSession} and sends the session's lines as they are. Runs on the connection's loop only.
 */
final class ChatHandler implements ProtocolHandler {

    private final ChatState state;
    private final LineDecoder decoder;
    private ChatSession session;
    /** The idle notice was sent; a second idle timeout means even that cannot be delivered. */
    private boolean toldIdle;

    ChatHandler(ChatState state) {
        this.state = state;
        this.decoder = new LineDecoder(state.settings().maxLine());
    }

    @Override
    public void onOpen(Connection connection) {
        session = new ChatSession(state, new LineWire(connection));
    }

    @Override
    public void onRead(Connection connection, ByteBuf data) {
        try {
            if (!session.isGone()) {
                decoder.decode(data, session);
            }
        } finally {
            data.release();
        }
    }

    /** A user whose own replies pile up is not read until they drain (room traffic is bounded by max-queue). */
    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        if (writable) {
            connection.resumeReading();
        } else {
            connection.pauseReading();
        }
    }

    /**
     * Says why before closing, and tells the room the user left. If the line cannot go out (the
     * user reads nothing and the queue is stuck), the next idle timeout aborts the connection.
     */
    @Override
    public void onIdle(Connection connection) {
        if (toldIdle) {
            connection.abort();
            return;
        }
        toldIdle = true;
        session.idle();
    }

    @Override
    public void onShutdown(Connection connection) {
        session.shutdown();
    }

    @Override
    public void onClose(Connection connection, Throwable cause) {
        session.closed();
    }

    /** Lines go out as they are: UTF-8, CRLF-terminated. */
    private record LineWire(Connection connection) implements ChatWire {
        @Override
        public EventLoop loop() {
            return connection.loop();
        }

        @Override
        public ByteBufAllocator alloc() {
            return connection.alloc();
        }

        @Override
        public boolean isOpen() {
            return connection.isOpen();
        }

        @Override
        public long pendingWriteBytes() {
            return connection.pendingWriteBytes();
        }

        @Override
        public void write(ByteBuf lines) {
            connection.write(lines);
        }

        @Override
        public void flush() {
            connection.flush();
        }

        @Override
        public void close() {
            connection.close();
        }

        @Override
        public void abort() {
            connection.abort();
        }
    }
}
