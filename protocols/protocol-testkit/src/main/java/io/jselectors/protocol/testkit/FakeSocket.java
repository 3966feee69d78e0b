package io.jselectors.protocol.testkit;

import io.jselectors.connection.WriteResult;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * The socket under a {@link TestConnection}, made of memory: the receive side holds what the peer
 * sent and the handler has not read (one {@code receive} is one read), the send side what the
 * connection wrote and the peer has not taken, up to a capacity. Tester thread only.
 */
final class FakeSocket {

    /** A capacity with no limit: the peer takes everything at once. */
    static final long UNLIMITED = Long.MAX_VALUE;

    // The receive side: what the peer sent and the handler has not read yet.
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private int headOffset;
    private long inboundBytes;
    private boolean endOfStream;
    /** One read per test step: the socket reports "nothing more" after one chunk. */
    private boolean readThisStep;

    // The send side: what the peer can take.
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private long capacity = UNLIMITED;

    /** The peer sends {@code bytes} (copied). */
    void add(byte[] bytes) {
        inbound.add(bytes.clone());
        inboundBytes += bytes.length;
    }

    /** The peer shut down its output: a read returns -1 once the bytes before are read. */
    void endOfStream() {
        endOfStream = true;
    }

    boolean endOfStreamReceived() {
        return endOfStream;
    }

    /** Whether a read would return something (bytes or end of stream). */
    boolean readable() {
        return !inbound.isEmpty() || endOfStream;
    }

    /** A new test step: the next read may take one chunk. */
    void newStep() {
        readThisStep = false;
    }

    long unreadBytes() {
        return inboundBytes;
    }

    /** The size of the next read: the rest of the next chunk. */
    int nextReadSize() {
        byte[] head = inbound.peek();
        return head == null ? 1 : head.length - headOffset;
    }

    /** read(2): bytes read, 0 if none wait (or this step read already), -1 at end of stream. */
    int read(ByteBuf dst) {
        if (readThisStep) {
            return 0;
        }
        byte[] head = inbound.peek();
        if (head == null) {
            return endOfStream ? -1 : 0;
        }
        int n = Math.min(dst.writableBytes(), head.length - headOffset);
        dst.writeBytes(head, headOffset, n);
        headOffset += n;
        inboundBytes -= n;
        if (headOffset == head.length) {
            inbound.poll();
            headOffset = 0;
            readThisStep = true;
        }
        return n;
    }

    /** writev(2) of the first {@code maxBuffers} of {@code first} and {@code rest}, up to the capacity left. */
    long write(ByteBuf first, ArrayDeque<ByteBuf> rest, int maxBuffers) throws IOException {
        long offered = first.readableBytes();
        long written = send(first);
        int count = 1;
        if (rest != null) {
            for (ByteBuf b : rest) {
                if (count++ == maxBuffers) {
                    break;
                }
                offered += b.readableBytes();
                written += send(b);
            }
        }
        return written < offered ? WriteResult.full(written) : WriteResult.complete(written);
    }

    /** Takes what the capacity leaves room for of {@code b}'s readable bytes, without changing it. */
    private int send(ByteBuf b) throws IOException {
        long room = capacity == UNLIMITED ? Long.MAX_VALUE : capacity - sent.size();
        int n = (int) Math.min(b.readableBytes(), Math.max(0, room));
        b.getBytes(b.readerIndex(), sent, n);
        return n;
    }

    /** The peer takes everything sent so far. */
    byte[] take() {
        byte[] bytes = sent.toByteArray();
        sent.reset();
        return bytes;
    }

    void capacity(long bytes) {
        capacity = bytes;
    }

    /** The socket closed: unread input is dropped. */
    void dropInput() {
        inbound.clear();
        headOffset = 0;
        inboundBytes = 0;
    }
}
