package io.jselectors.protocol.websocket;

import io.netty.buffer.ByteBuf;

/** Buffer-to-buffer copies on the per-message path. */
final class Copies {

    /**
     * Up to this many bytes are copied 8 at a time through the buffers' absolute accessors; more
     * go through netty's bulk copy, whose per-call objects are then small beside the bytes.
     */
    static final int SMALL_COPY = 256;

    private Copies() {}

    /**
     * Appends {@code length} bytes of {@code from} at {@code index} to {@code to}. Why not {@code
     * to.writeBytes(from, index, length)} for small copies: without {@code sun.misc.Unsafe}, netty
     * copies between direct buffers through fresh NIO views of both (objects per call), which is
     * what a 64-byte echo allocated per message.
     */
    static void append(ByteBuf from, int index, int length, ByteBuf to) {
        if (length > SMALL_COPY) {
            to.writeBytes(from, index, length);
            return;
        }
        to.ensureWritable(length);
        int at = to.writerIndex();
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            to.setLong(at + i, from.getLong(index + i));
        }
        for (; i < length; i++) {
            to.setByte(at + i, from.getByte(index + i));
        }
        to.writerIndex(at + length);
    }
}
