package io.jselectors.protocol.chat;

import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.WebSocketMessage;
import io.jselectors.protocol.WebSocketSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A WebSocket session without a socket: records the text messages sent and how it was closed. */
final class FakeSession implements WebSocketSession {

    private static long ids;

    private final long id = ++ids;
    private final EventLoop loop;
    private final ByteBufAllocator alloc;
    private final List<String> messages = new ArrayList<>();
    /** What the test says is waiting in the socket's queue. */
    long pending;
    int closeCode;
    /** The endpoint paused this session's input and has not resumed it. */
    boolean paused;
    /** Messages sent as a shared, once-framed {@link WebSocketMessage}. */
    int framed;
    boolean aborted;

    FakeSession(EventLoop loop, ByteBufAllocator alloc) {
        this.loop = loop;
        this.alloc = alloc;
    }

    /** The messages sent since last asked. */
    List<String> take() {
        List<String> taken = List.copyOf(messages);
        messages.clear();
        return taken;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String subprotocol() {
        return null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 50_000);
    }

    @Override
    public void sendText(CharSequence text) {
        if (isOpen()) {
            messages.add(text.toString());
        }
    }

    @Override
    public void sendText(ByteBuf utf8) {
        try {
            if (isOpen()) {
                messages.add(utf8.toString(StandardCharsets.UTF_8));
            }
        } finally {
            utf8.release();
        }
    }

    @Override
    public void sendBinary(ByteBuf data) {
        data.release();
        throw new AssertionError("the chat sends no binary messages");
    }

    @Override
    public void send(WebSocketMessage message) {
        if (isOpen()) {
            ByteBuf frame = message.retainedFrame();
            try {
                int header = WebSocketMessage.headerSize(message.payloadBytes());
                messages.add(frame.toString(frame.readerIndex() + header, message.payloadBytes(), StandardCharsets.UTF_8));
                framed++;
            } finally {
                frame.release();
            }
        }
    }

    @Override
    public void pauseReading() {
        paused = true;
    }

    @Override
    public void resumeReading() {
        paused = false;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public long pendingWriteBytes() {
        return pending;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    public boolean isOpen() {
        return closeCode == 0 && !aborted;
    }

    @Override
    public void close(int code, String reason) {
        if (closeCode == 0) {
            closeCode = code;
        }
    }

    @Override
    public void abort() {
        aborted = true;
    }
}
