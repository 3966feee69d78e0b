package io.jselectors.protocol.chat;

import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.SharedServices;
import io.jselectors.protocol.WebSocketCloseCodes;
import io.jselectors.protocol.WebSocketEndpoint;
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
 * session with 1009 before it is buffered; a binary message closes it with 1003. The slow-consumer
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
    private final Map<WebSocketSession, ChatSession> sessions = new ConcurrentHashMap<>();
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
        sessions.put(session, new ChatSession(state(), new MessageWire(session)));
    }

    @Override
    public void onText(WebSocketSession session, String text) {
        ChatSession chat = sessions.get(session);
        if (chat == null || chat.isGone()) {
            return;
        }
        String line = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (ByteBufUtil.utf8Bytes(line) > state().settings().maxLine()) {
            chat.tooLong();
        } else {
            chat.line(line);
        }
    }

    @Override
    public void onBinary(WebSocketSession session, ByteBuf data) {
        data.release();
        session.close(WebSocketCloseCodes.UNSUPPORTED_DATA, "chat lines are text messages");
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
        ChatSession chat = sessions.remove(session);
        if (chat != null) {
            chat.closed();
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

        /** Every message is flushed as it is sent. */
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
