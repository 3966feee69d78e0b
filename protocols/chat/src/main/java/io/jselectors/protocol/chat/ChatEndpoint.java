package io.jselectors.protocol.chat;

import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.SharedServices;
import io.jselectors.protocol.WebSocketCloseCodes;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketMessage;
import io.jselectors.protocol.WebSocketSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WebSocket wire of the chat: the same rooms, nicks and commands as the line chat, because each
 * session is a {@link ChatSession} like a line connection's, in the same {@link ChatState}.
 *
 * <h2>The wire rule</h2>
 * Each text message from the client is one chat line (one trailing LF or CRLF is ignored), with the
 * same commands as the line chat ({@code /nick}, {@code /join}, {@code /msg}, {@code /me}, ...).
 * Each chat output line is sent as one text message, without its CRLF (a multi-line answer such as
 * {@code /help} is several messages). A line longer than {@code max-line} bytes gets the line
 * chat's error and is discarded; a message over {@value #MAX_MESSAGE_BYTES} bytes closes the
 * session with 1009 before it is buffered; a binary message closes it with 1003. While a sender's
 * room lines are still being delivered ({@link FanOutPacer}) its session's input is paused, as a
 * line connection's is: the message that arrived meanwhile is kept and run when they are out, and
 * TCP pushes back on the rest, so no line is dropped. Room lines go out as one frame per loop
 * that all its WebSocket members share ({@link FramedLine}). The slow-consumer
 * rule is the line chat's: a member with more than {@code max-queue} bytes waiting is dropped, and
 * WebSocket members who are behind count against the same {@link QueueBudget} as line members.
 *
 * <h2>Sharing</h2>
 * The state is the server's {@link SharedServices} entry {@value ChatProtocol#SERVICE}, the one
 * the chat listener uses, taken on the first session (so a chat listener started in the same
 * server configures it, whatever the listener order); without a chat listener the defaults apply.
 */
final class ChatEndpoint implements WebSocketEndpoint, AutoCloseable {

    /**
     * 64 KiB: the largest message read at all. Sixteen times the default {@code max-line}, so a
     * longer {@code max-line} still works up to here, and small enough that thousands of sessions
     * each mid-message cannot exhaust the heap.
     */
    static final int MAX_MESSAGE_BYTES = 64 << 10;

    private final ListenerContext listener;
    private final Map<WebSocketSession, Reader> sessions = new ConcurrentHashMap<>();
    private SharedServices.Lease<ChatState> lease;
    /** The leased state, once taken: read without the lock on every message. */
    private volatile ChatState state;
    private boolean closed;

    ChatEndpoint(ListenerContext listener) {
        this.listener = listener;
    }

    /** The shared chat, taken on first use. */
    ChatState state() {
        ChatState taken = state;
        return taken != null ? taken : take();
    }

    private synchronized ChatState take() {
        if (closed) {
            throw new IllegalStateException("the chat endpoint of " + listener.address() + " is closed");
        }
        if (lease == null) {
            lease = ChatProtocol.acquire(listener, ChatSettings.defaults());
            state = lease.value();
        }
        return lease.value();
    }

    @Override
    public void onOpen(WebSocketSession session) {
        ChatSession chat = new ChatSession(state(), new MessageWire(session));
        Reader reader = new Reader(session, chat, state().settings().maxLine());
        chat.onFanOutDone(reader::fanOutDone);
        sessions.put(session, reader);
    }

    @Override
    public void onText(WebSocketSession session, String text) {
        Reader reader = sessions.get(session);
        if (reader != null) {
            reader.message(text);
        }
    }

    @Override
    public void onBinary(WebSocketSession session, ByteBuf data) {
        data.release();
        session.close(WebSocketCloseCodes.UNSUPPORTED_DATA, "chat lines are text messages");
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
        Reader reader = sessions.remove(session);
        if (reader != null) {
            reader.chat.closed();
        }
    }

    /** Gives up this listener's claim on the shared chat (the http listener stopped). */
    @Override
    public void close() throws Exception {
        SharedServices.Lease<ChatState> held;
        synchronized (this) {
            closed = true;
            held = lease;
            lease = null;
            state = null;
        }
        if (held != null) {
            held.close();
        }
    }

    /**
     * Feeds one session's messages to its chat session. While the member's room lines are still
     * being delivered, the session's input is paused; the one message that may have arrived
     * meanwhile (the pause takes effect after the message being handed on) waits here until they
     * are out. Own loop only.
     */
    private static final class Reader {
        private final WebSocketSession session;
        private final ChatSession chat;
        private final int maxLine;
        /** A message that arrived while the member's fan-out was awaited; null when none. */
        private String held;

        Reader(WebSocketSession session, ChatSession chat, int maxLine) {
            this.session = session;
            this.chat = chat;
            this.maxLine = maxLine;
        }

        void message(String text) {
            if (chat.isGone()) {
                return;
            }
            if (chat.awaitingFanOut()) { // a notice (join, rename) spent the turn: keep it, read no more
                held = text;
                session.pauseReading();
                return;
            }
            run(text);
        }

        private void run(String text) {
            String line = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (ByteBufUtil.utf8Bytes(line) > maxLine) {
                chat.tooLong();
            } else if (!chat.line(line) && chat.awaitingFanOut() && !chat.isGone()) {
                session.pauseReading();
            }
        }

        /** The member's lines went out: runs what was kept, then reads on unless held back again. */
        void fanOutDone() {
            String kept = held;
            held = null;
            if (kept != null) {
                run(kept);
            }
            if (!chat.awaitingFanOut() && !chat.isGone()) {
                session.resumeReading();
            }
        }
    }

    /** One text message per line: each CRLF-ended line of a buffer becomes a message of its bytes, not copied. */
    private record MessageWire(WebSocketSession session) implements ChatWire {
        @Override
        public EventLoop loop() {
            return session.loop();
        }

        @Override
        public ByteBufAllocator alloc() {
            return session.alloc();
        }

        @Override
        public boolean isOpen() {
            return session.isOpen();
        }

        @Override
        public long pendingWriteBytes() {
            return session.pendingWriteBytes();
        }

        @Override
        public void write(ByteBuf lines) {
            try {
                int start = lines.readerIndex();
                int end = lines.writerIndex();
                while (start < end) {
                    int lf = lines.indexOf(start, end, (byte) '\n');
                    int stop = lf < 0 ? end : lf;
                    int length = stop - start;
                    if (lf >= 0 && length > 0 && lines.getByte(stop - 1) == '\r') {
                        length--;
                    }
                    session.sendText(lines.retainedSlice(start, length));
                    start = lf < 0 ? end : lf + 1;
                }
            } finally {
                lines.release();
            }
        }

        /** A room line shared by this loop's members: their one frame of it, when it is one line. */
        @Override
        public void write(ByteBuf line, FramedLine framed) {
            WebSocketMessage message = framed.message(session.alloc());
            if (message == null) {
                write(line);
                return;
            }
            line.release();
            session.send(message);
        }

        /** The session flushes what is sent outside a read once per pass over the loop's tasks. */
        @Override
        public void flush() {}

        @Override
        public void close() {
            session.close(WebSocketCloseCodes.NORMAL, "");
        }

        @Override
        public void abort() {
            session.abort();
        }
    }
}
