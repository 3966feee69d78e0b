package io.jselectors.protocol.testkit;

import static io.jselectors.protocol.testkit.TestConnection.HIGH_WATER_MARK;
import static io.jselectors.protocol.testkit.TestConnection.LOW_WATER_MARK;
import static io.jselectors.protocol.testkit.TestConnection.UNLIMITED;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;

/**
 * One test connection's sending side: written buffers, those flushed, the simulated socket that
 * takes flushed bytes up to its capacity until the peer reads them, and the writability that the
 * pending bytes imply.
 */
final class Outbound {

    private final ArrayDeque<ByteBuf> unflushed = new ArrayDeque<>();
    private final ArrayDeque<ByteBuf> flushed = new ArrayDeque<>();
    private long pendingBytes;
    private long unflushedBytes;
    private final ByteArrayOutputStream socket = new ByteArrayOutputStream();
    private long socketCapacity = UNLIMITED;
    private boolean writable = true;
    /** Each flip of {@link #writable} not told to the handler yet, in order; never coalesced. */
    private final ArrayDeque<Boolean> writabilityChanges = new ArrayDeque<>();

    /** Queues {@code data}, which this now owns. */
    void write(ByteBuf data) {
        unflushed.add(data);
        unflushedBytes += data.readableBytes();
        pendingBytes += data.readableBytes();
        updateWritability();
    }

    /** Marks everything written as flushed and sends as much as the socket takes. */
    void flush() {
        flushed.addAll(unflushed);
        unflushed.clear();
        unflushedBytes = 0;
        send();
    }

    /** Moves flushed data into the socket, as far as it has room. */
    void send() {
        for (ByteBuf head; (head = flushed.peek()) != null; ) {
            long room = socketCapacity == UNLIMITED ? Long.MAX_VALUE : socketCapacity - socket.size();
            int n = (int) Math.min(head.readableBytes(), room);
            if (n <= 0 && head.isReadable()) {
                break;
            }
            byte[] chunk = new byte[n];
            head.readBytes(chunk);
            socket.write(chunk, 0, n);
            pendingBytes -= n;
            if (!head.isReadable()) {
                flushed.poll();
                head.release();
            }
        }
        updateWritability();
    }

    /** What the socket holds, which the peer now reads; the room it frees is not refilled here. */
    byte[] takeSent() {
        byte[] bytes = socket.toByteArray();
        socket.reset();
        return bytes;
    }

    void socketCapacity(long bytes) {
        socketCapacity = bytes;
    }

    /** Releases everything not sent: the connection is gone. What the socket holds stays readable. */
    void discard() {
        release(unflushed);
        release(flushed);
        pendingBytes = 0;
        unflushedBytes = 0;
        writabilityChanges.clear();
    }

    long pendingBytes() {
        return pendingBytes;
    }

    long unflushedBytes() {
        return unflushedBytes;
    }

    boolean isWritable() {
        return writable;
    }

    /** The oldest writability change the handler has not heard of, or {@code null}. */
    Boolean pollWritabilityChange() {
        return writabilityChanges.poll();
    }

    private void updateWritability() {
        if (writable && pendingBytes > HIGH_WATER_MARK) {
            writable = false;
            writabilityChanges.add(false);
        } else if (!writable && pendingBytes < LOW_WATER_MARK) {
            writable = true;
            writabilityChanges.add(true);
        }
    }

    private static void release(ArrayDeque<ByteBuf> queue) {
        for (ByteBuf buf; (buf = queue.poll()) != null; ) {
            buf.release();
        }
    }
}
