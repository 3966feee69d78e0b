package io.jselectors.protocol.websocket.bench;

import io.jselectors.protocol.testkit.OpenConnection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.websocket.WebSocketHandler;
import io.jselectors.protocol.websocket.WebSocketSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket session driven without a socket, as {@link EchoPathTiming} measures it: a read
 * buffer from the allocator holding {@code messages} masked 64-byte client frames (as {@code
 * WsEchoLoad} sends them: ws-1 is one per read, ws-16 sixteen) goes through {@link
 * WebSocketHandler#onRead} to the bench plugin's echo (every message back as it came), and the
 * connection's flush releases what was written, as the outbound queue does once the socket took it.
 */
final class EchoPath {

    /** The payload of every message, as the benchmark's load sends it. */
    static final int PAYLOAD_BYTES = 64;
    /** A client frame's header for a payload under 126 bytes: 2 bytes and the 4-byte mask. */
    static final int CLIENT_HEADER_BYTES = 6;
    /** The server's smallest read buffer (a connection's first reads). */
    static final int READ_BUFFER_BYTES = 512;

    private final ByteBufAllocator alloc;
    private final StubConnection connection;
    private final WebSocketHandler handler;
    private final byte[] input;
    private final int messages;
    private final int opcode;

    EchoPath(ByteBufAllocator alloc, int messages, boolean text) {
        this.alloc = alloc;
        this.messages = messages;
        this.opcode = text ? 0x1 : 0x2;
        this.connection = new StubConnection(alloc);
        input = new byte[messages * (CLIENT_HEADER_BYTES + PAYLOAD_BYTES)];
        int at = 0;
        for (int m = 0; m < messages; m++) {
            byte[] mask = {(byte) (0x37 + m), (byte) 0xFA, 0x21, (byte) (0x3D ^ m)};
            input[at++] = (byte) (0x80 | opcode);
            input[at++] = (byte) (0x80 | PAYLOAD_BYTES);
            for (byte b : mask) {
                input[at++] = b;
            }
            for (int i = 0; i < PAYLOAD_BYTES; i++) {
                input[at++] = (byte) (payloadByte(m, i) ^ mask[i & 3]);
            }
        }
        handler = new WebSocketHandler(new Echo(), WebSocketSettings.DEFAULTS, null);
        handler.onOpen(connection);
    }

    private static byte payloadByte(int message, int i) {
        return (byte) ('a' + (i + message) % 26);
    }

    /**
     * What every read costs besides the WebSocket path, to subtract: the read buffer taken from the
     * pool, the bytes copied in (the kernel's part in the server), and the buffer released.
     */
    void readOnly() {
        ByteBuf buf = alloc.directBuffer(Math.max(READ_BUFFER_BYTES, input.length));
        buf.writeBytes(input);
        buf.release();
    }

    /** One read of the messages, then the flush at the end of its batch. */
    void read() {
        ByteBuf buf = alloc.directBuffer(Math.max(READ_BUFFER_BYTES, input.length));
        buf.writeBytes(input);
        handler.onRead(connection, buf);
        connection.flush();
    }

    /** One read, checking that every message came back once as a whole unmasked frame of the same payload. */
    void check() {
        connection.keep = true;
        try {
            read();
            int replies = 0;
            for (ByteBuf frame : connection.written) {
                while (frame.isReadable()) {
                    int b0 = frame.readUnsignedByte();
                    int b1 = frame.readUnsignedByte();
                    if (b0 != (0x80 | opcode) || b1 != PAYLOAD_BYTES) {
                        throw new IllegalStateException("reply " + replies + ": header " + b0 + " " + b1);
                    }
                    for (int i = 0; i < PAYLOAD_BYTES; i++) {
                        if (frame.readByte() != payloadByte(replies, i)) {
                            throw new IllegalStateException("reply " + replies + ": payload byte " + i);
                        }
                    }
                    replies++;
                }
            }
            if (replies != messages) {
                throw new IllegalStateException(replies + " replies to " + messages + " messages");
            }
        } finally {
            connection.keep = false;
            connection.flush();
        }
    }

    void close() {
        handler.onClose(connection, null);
    }

    /** The bench plugin's endpoint (wsecho): every message back as it came. */
    private static final class Echo implements WebSocketEndpoint {
        @Override
        public void onTextBytes(WebSocketSession session, ByteBuf utf8) {
            session.sendText(utf8);
        }

        @Override
        public void onBinary(WebSocketSession session, ByteBuf data) {
            session.sendBinary(data);
        }
    }

    /** A loop that never runs what it is given: the session sends only while reading here. */
    private static final class StubLoop implements EventLoop {
        @Override
        public void execute(Runnable task) {}

        @Override
        public boolean inLoop() {
            return true;
        }

        @Override
        public Timer schedule(Runnable task, long delay, TimeUnit unit) {
            return () -> true;
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public String name() {
            return "stub";
        }
    }

    /** An open, writable connection whose flush releases what was written (the queue's part). */
    private static final class StubConnection extends OpenConnection {
        private final ByteBufAllocator alloc;
        private final EventLoop loop = new StubLoop();
        final List<ByteBuf> written = new ArrayList<>();
        /** Keeps what was written for a look before the flush releases it. */
        boolean keep;

        StubConnection(ByteBufAllocator alloc) {
            this.alloc = alloc;
        }

        @Override
        public void write(ByteBuf data) {
            written.add(data);
        }

        @Override
        public void flush() {
            if (keep) {
                return;
            }
            for (int i = 0; i < written.size(); i++) {
                written.get(i).release();
            }
            written.clear();
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
        public void switchHandler(ProtocolHandler next, ByteBuf unread) {
            throw new UnsupportedOperationException("not in this benchmark");
        }
    }
}
