package io.jselectors.protocol.chat;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.TimeUnit;

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
    /** The rest of a read, kept while the session waits for its fan-out; null when none. */
    private ByteBuf held;
    private boolean notWritable;
    /** Runs out when a line begun has not ended within the line timeout; null while no line is partial. */
    private EventLoop.Timer lineTimer;

    ChatHandler(ChatState state) {
        this.state = state;
        this.decoder = new LineDecoder(state.settings().maxLine(), state.lineBudget());
    }

    @Override
    public void onOpen(Connection connection) {
        session = new ChatSession(state, new LineWire(connection));
        session.onFanOutDone(() -> fanOutDone(connection));
    }

    @Override
    public void onRead(Connection connection, ByteBuf data) {
        feed(connection, data);
        watchPartialLine(connection);
    }

    /**
     * A line begun in this read and not ended starts the line timer; a line ended stops it. The
     * timer bounds the line from its first byte, so dripping bytes (each of which refreshes the
     * idle timeout) cannot hold the connection.
     */
    private void watchPartialLine(Connection connection) {
        boolean partial = !decoder.isEmpty() && connection.isOpen() && !session.isGone();
        if (partial && lineTimer == null) {
            lineTimer = connection.loop().schedule(() -> lineTimedOut(connection), state.settings().lineTimeoutSeconds(), TimeUnit.SECONDS);
        } else if (!partial && lineTimer != null) {
            lineTimer.cancel();
            lineTimer = null;
        }
    }

    private void lineTimedOut(Connection connection) {
        lineTimer = null;
        if (connection.isOpen() && !session.isGone()) {
            session.disconnect(ChatText.LINE_TIMEOUT, "left (line timeout)");
        }
    }

    /**
     * Decodes {@code data} (owned); where the session's fan-out budget runs out, stops reading and
     * keeps the rest until the session's lines went out ({@link FanOutPacer#PER_TURN}).
     */
    private void feed(Connection connection, ByteBuf data) {
        boolean keep = false;
        try {
            if (!session.isGone()) {
                if (!session.awaitingFanOut()) { // a notice (join, rename) may have spent the budget
                    decoder.decode(data, session);
                }
                if (session.awaitingFanOut() && !session.isGone()) {
                    connection.pauseReading();
                    keep = data.isReadable();
                    held = keep ? data : null;
                }
            }
        } finally {
            if (!keep) {
                data.release();
            }
        }
    }

    /** The session's lines went out: decodes what was kept, then reads on unless still held back. */
    private void fanOutDone(Connection connection) {
        ByteBuf rest = held;
        held = null;
        if (!connection.isOpen()) {
            if (rest != null) {
                rest.release();
            }
            return;
        }
        if (rest != null) {
            feed(connection, rest);
            watchPartialLine(connection);
        }
        if (!session.awaitingFanOut() && !notWritable) {
            connection.resumeReading();
        }
    }

    /**
     * A user whose own replies pile up is not read until they drain (room traffic is bounded by
     * max-queue); nor is one whose room lines are still being delivered.
     */
    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        notWritable = !writable;
        if (!writable) {
            connection.pauseReading();
        } else if (!session.awaitingFanOut()) {
            connection.resumeReading();
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
        if (lineTimer != null) {
            lineTimer.cancel();
            lineTimer = null;
        }
        if (held != null) {
            held.release();
            held = null;
        }
        decoder.release();
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
