package io.jselectors.connection;

import io.netty.buffer.ByteBuf;

/**
 * A test-only {@link Layer}: every byte XORed with a key, both ways. Trivial on purpose, so the
 * contract suite checks the layer plumbing (ownership, ordering, writability with a layer) and not
 * a transform; the peer applies {@link #apply} to what it sends and receives.
 */
public final class XorLayer implements Layer {

    /** The key; 0x5A turns ASCII into bytes that are not ASCII, so a bypassed layer shows. */
    public static final byte KEY = 0x5A;

    /** XORs {@code bytes} in place with {@link #KEY}; returns them. */
    public static byte[] apply(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] ^= KEY;
        }
        return bytes;
    }

    @Override
    public void decode(ByteBuf wire, Sink out) {
        // A fresh read buffer the connection gave away: transform it in place. Bulk copies, because
        // PARANOID leak tracking records every single-byte access.
        byte[] bytes = new byte[wire.readableBytes()];
        wire.getBytes(wire.readerIndex(), bytes);
        wire.setBytes(wire.readerIndex(), apply(bytes));
        out.deliver(wire);
    }

    @Override
    public void encode(ByteBuf plain, Sink out) {
        // The handler's buffer may be shared (a retained slice): copy, never write into it.
        byte[] bytes = new byte[plain.readableBytes()];
        plain.getBytes(plain.readerIndex(), bytes);
        ByteBuf wire = plain.alloc().directBuffer(bytes.length).writeBytes(apply(bytes));
        plain.release();
        out.send(wire);
    }
}
