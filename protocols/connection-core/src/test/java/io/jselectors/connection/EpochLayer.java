package io.jselectors.connection;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A test-only {@link Layer} that changes keys as TLS 1.3 does on a KeyUpdate, so the suite can see
 * whether bytes a layer makes reach the wire in the order it made them. Every encoded write is a
 * frame {@code 'D', epoch, length (4 bytes), payload}; each {@code 'K'} the peer sends makes the
 * layer answer with a frame {@code 'U', new epoch, 0} on its own (as TLS answers a KeyUpdate) and
 * encode everything after it in the new epoch. A peer that reads a data frame of an epoch it has
 * not been told about yet has caught a write sent ahead of the update it came after. Input passes
 * through unchanged.
 */
final class EpochLayer implements Layer {

    static final int HEADER = 6;
    static final byte DATA = 'D';
    static final byte UPDATE = 'U';

    private byte epoch;

    @Override
    public void decode(ByteBuf wire, Sink out) {
        int updates = 0;
        for (int i = wire.readerIndex(); i < wire.writerIndex(); i++) {
            if (wire.getByte(i) == 'K') {
                updates++;
            }
        }
        for (; updates > 0; updates--) {
            epoch++;
            out.send(wire.alloc().directBuffer(HEADER).writeByte(UPDATE).writeByte(epoch).writeInt(0));
        }
        out.deliver(wire);
    }

    @Override
    public void encode(ByteBuf plain, Sink out) {
        ByteBuf wire = plain.alloc().directBuffer(HEADER + plain.readableBytes());
        wire.writeByte(DATA).writeByte(epoch).writeInt(plain.readableBytes()).writeBytes(plain);
        plain.release();
        out.send(wire);
    }

    /** What a peer makes of the frames it read: the payload, or why the frames are out of order. */
    static byte[] unframe(ConnectionContract.Peer peer, int payloadBytes) throws java.io.IOException {
        java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream(payloadBytes);
        int epoch = 0;
        while (payload.size() < payloadBytes) {
            ByteBuf header = io.netty.buffer.Unpooled.wrappedBuffer(peer.read(HEADER));
            byte type = header.readByte();
            int frameEpoch = header.readByte();
            int length = header.readInt();
            if (type == UPDATE) {
                if (frameEpoch != epoch + 1) {
                    throw new AssertionError("update to epoch " + frameEpoch + " while in epoch " + epoch);
                }
                epoch = frameEpoch;
            } else if (type == DATA) {
                if (frameEpoch != epoch) {
                    throw new AssertionError("a data frame of epoch " + frameEpoch + " arrived in epoch " + epoch
                            + ", after " + payload.size() + " payload bytes: bytes made after an update went out before it");
                }
                payload.writeBytes(peer.read(length));
            } else {
                throw new AssertionError("not a frame: " + new String(new byte[] {type}, StandardCharsets.ISO_8859_1));
            }
        }
        return payload.toByteArray();
    }
}
