package io.jselectors.connection.tls;

import io.jselectors.connection.Layer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The byte side of a {@link TlsLayer}: the records that arrived and wait for the engine, the
 * handler writes that wait for the next flush, and the engine's wrap and unwrap calls between
 * them and the connection's {@link Layer.Sink}. It decides nothing about the handshake: an engine
 * error is thrown to the layer, which knows what it means, and a {@code FINISHED} status seen
 * during a wrap is kept for the layer to {@link #takeFinished() take}.
 *
 * <p>Loop thread only. Its buffers are the pooled allocator's; {@link #release()} frees them.
 */
final class TlsRecords {

    /** Largest plaintext of one record (RFC 8446, 5.1): the unit writes are coalesced into. */
    static final int MAX_RECORD_PLAINTEXT = 16 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final ByteBufAllocator alloc;
    private ByteBuf inbound;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private long heldBytes;
    private boolean finished;

    TlsRecords(SSLEngine engine, ByteBufAllocator alloc) {
        this.engine = engine;
        this.alloc = alloc;
    }

    /** Bytes from the peer not yet unwrapped. */
    int inboundBytes() {
        return inbound == null ? 0 : inbound.readableBytes();
    }

    /** Handler writes waiting for the next flush (plaintext bytes). */
    long heldBytes() {
        return heldBytes;
    }

    /** Whether handler writes wait for the next flush. */
    boolean hasHeld() {
        return !held.isEmpty();
    }

    /** Keeps a handler write for the next flush; takes ownership of {@code plain}. */
    void hold(ByteBuf plain) {
        held.add(plain);
        heldBytes += plain.readableBytes();
    }

    /** Appends bytes from the peer after those still waiting; takes ownership of {@code wire}. */
    void append(ByteBuf wire) {
        if (inbound == null || !inbound.isReadable()) {
            if (inbound != null) {
                inbound.release();
            }
            inbound = wire;
            return;
        }
        ByteBuf joined = alloc.directBuffer(inbound.readableBytes() + wire.readableBytes());
        joined.writeBytes(inbound).writeBytes(wire);
        inbound.release();
        wire.release();
        inbound = joined;
    }

    /**
     * Unwraps one record if a whole one is buffered, handing its plaintext to {@code out}; {@code
     * null} when nothing waits. An underflow (half a record) is an ordinary result.
     */
    SSLEngineResult unwrap(Layer.Sink out) throws SSLException {
        if (inbound == null || !inbound.isReadable()) {
            return null;
        }
        ByteBuf plain = alloc.directBuffer(engine.getSession().getApplicationBufferSize());
        SSLEngineResult r;
        try {
            r = engine.unwrap(inbound.nioBuffer(), plain.nioBuffer(plain.writerIndex(), plain.writableBytes()));
        } catch (SSLException e) {
            plain.release();
            throw e;
        }
        inbound.skipBytes(r.bytesConsumed());
        plain.writerIndex(plain.writerIndex() + r.bytesProduced());
        if (plain.isReadable()) {
            out.deliver(plain);
        } else {
            plain.release();
        }
        return r;
    }

    /** Wraps whatever the engine wants to send now (handshake messages, alerts, close_notify). */
    int wrapAll(Layer.Sink out) throws SSLException {
        int produced = 0;
        ByteBuf buf = alloc.directBuffer(engine.getSession().getPacketBufferSize());
        try {
            while (true) {
                SSLEngineResult r = engine.wrap(EMPTY, buf.nioBuffer(buf.writerIndex(), buf.writableBytes()));
                buf.writerIndex(buf.writerIndex() + r.bytesProduced());
                produced += r.bytesProduced();
                finished |= r.getHandshakeStatus() == HandshakeStatus.FINISHED;
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    buf = sendAndRenew(buf, out);
                } else if (r.bytesProduced() == 0 || engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
                    break;
                }
            }
        } catch (SSLException e) {
            buf.release();
            throw e;
        }
        send(buf, out);
        return produced;
    }

    /** Whether a wrap reported the end of the handshake since the last call; clears it. */
    boolean takeFinished() {
        boolean was = finished;
        finished = false;
        return was;
    }

    /** Wraps the held handler writes into as few records as the 16 KiB limit allows, and sends them. */
    void wrapHeld(Layer.Sink out) throws SSLException {
        ByteBuffer[] src = new ByteBuffer[held.size()];
        int i = 0;
        for (ByteBuf b : held) {
            src[i++] = b.nioBuffer();
        }
        int records = (int) ((heldBytes + MAX_RECORD_PLAINTEXT - 1) / MAX_RECORD_PLAINTEXT);
        int overhead = engine.getSession().getPacketBufferSize() - MAX_RECORD_PLAINTEXT;
        ByteBuf buf = alloc.directBuffer((int) Math.min(Integer.MAX_VALUE - 1, heldBytes + (long) records * overhead));
        try {
            long left = heldBytes;
            while (left > 0) {
                SSLEngineResult r = engine.wrap(src, buf.nioBuffer(buf.writerIndex(), buf.writableBytes()));
                buf.writerIndex(buf.writerIndex() + r.bytesProduced());
                left -= r.bytesConsumed();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    buf = sendAndRenew(buf, out);
                } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    break;
                }
            }
        } catch (SSLException e) {
            buf.release();
            throw e;
        } finally {
            releaseHeld();
        }
        send(buf, out);
    }

    /** Sends the alert the engine has queued after a failed unwrap (best effort). */
    void wrapAlertQuietly(Layer.Sink out) {
        try {
            ByteBuf buf = alloc.directBuffer(engine.getSession().getPacketBufferSize());
            SSLEngineResult r = engine.wrap(EMPTY, buf.nioBuffer(0, buf.writableBytes()));
            buf.writerIndex(r.bytesProduced());
            send(buf, out);
        } catch (SSLException | RuntimeException ignored) {
            // The alert is a courtesy; the connection closes either way.
        }
    }

    private ByteBuf sendAndRenew(ByteBuf buf, Layer.Sink out) {
        int size = engine.getSession().getPacketBufferSize();
        if (buf.isReadable()) {
            out.send(buf);
        } else {
            buf.release();
            size *= 2; // the engine wanted more room than a packet: give it
        }
        return alloc.directBuffer(size);
    }

    private static void send(ByteBuf buf, Layer.Sink out) {
        if (buf.isReadable()) {
            out.send(buf);
        } else {
            buf.release();
        }
    }

    private void releaseHeld() {
        ByteBuf b;
        while ((b = held.poll()) != null) {
            b.release();
        }
        heldBytes = 0;
    }

    /** Frees every buffer held: the connection has closed. */
    void release() {
        releaseHeld();
        if (inbound != null) {
            inbound.release();
            inbound = null;
        }
    }
}
