package io.jselectors.connection.tls;

import io.jselectors.connection.ConnectionLimits;
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
 * The handler writes of a {@link TlsLayer} waiting for the next flush, and their wrapping into as
 * few records as the 16 KiB limit allows: a lone small write in a buffer of its own becomes its
 * record in place, anything else is gathered into one output buffer. The session's sizes are its
 * {@link TlsRecords}'.
 *
 * <p>Loop thread only. {@link #release()} frees what is held.
 */
final class HeldWrites {

    /** Largest plaintext of one record (RFC 8446, 5.1): the unit writes are coalesced into. */
    static final int MAX_RECORD_PLAINTEXT = 16 * 1024;
    /**
     * The least plaintext a full record of the JDK's engine carries, to size the buffer a flush's
     * records go into: it takes a little less than 16 KiB per record (16,367 bytes on TLS 1.3 with
     * JDK 25), and TLS 1.3 may spend up to 256 bytes of a record on padding.
     */
    private static final int MIN_FRAGMENT = MAX_RECORD_PLAINTEXT - 256;

    private final SSLEngine engine;
    private final ByteBufAllocator alloc;
    private final TlsRecords records;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private long heldBytes;
    private boolean handshaking;

    HeldWrites(SSLEngine engine, ByteBufAllocator alloc, TlsRecords records) {
        this.engine = engine;
        this.alloc = alloc;
        this.records = records;
    }

    /**
     * What the held writes cost, as the outbound queue counts it: their bytes plus {@link
     * ConnectionLimits#ENTRY_OVERHEAD} each, so many tiny writes held for a flush reach the water
     * marks at the heap they hold.
     */
    long heldCost() {
        return heldBytes + (long) held.size() * ConnectionLimits.ENTRY_OVERHEAD;
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

    /**
     * Whether a wrap of held writes reported a handshake status (the engine wants to send a
     * KeyUpdate, say) since the last call; clears it.
     */
    boolean takeHandshaking() {
        boolean was = handshaking;
        handshaking = false;
        return was;
    }

    /**
     * Wraps the held handler writes into as few records as the 16 KiB limit allows, and sends them
     * in one buffer (a lone small write: {@link #wrapOwnBuffer}). The engine reads the writes themselves (views of them, in the thread's {@link
     * TlsScratch}), a record's worth of them per call, and makes each record in the scratch array,
     * from where it is copied out: one copy per byte each way, whatever the writes' number and kind.
     */
    void wrap(Layer.Sink out) throws SSLException {
        if (held.size() == 1 && wrapOwnBuffer(out)) {
            return;
        }
        long recordCount = (heldBytes + MIN_FRAGMENT - 1) / MIN_FRAGMENT;
        long overhead = Math.max(0, records.packetSize() - MAX_RECORD_PLAINTEXT);
        ByteBuf buf = alloc.directBuffer((int) Math.min(Integer.MAX_VALUE - 1, heldBytes + recordCount * overhead));
        TlsScratch scratch = TlsScratch.get();
        ByteBuffer[] srcs = null;
        int count = 0;
        try {
            for (ByteBuf b : held) {
                if (!b.isReadable()) {
                    continue;
                }
                if (b.nioBufferCount() == 1) {
                    srcs = scratch.sources(count + 1);
                    // A buffer's own view costs nothing; a derived buffer's would be its parent's, which another write may share.
                    srcs[count++] = b.unwrap() == null ? b.internalNioBuffer(b.readerIndex(), b.readableBytes()) : b.nioBuffer();
                } else {
                    ByteBuffer[] views = b.nioBuffers();
                    srcs = scratch.sources(count + views.length);
                    System.arraycopy(views, 0, srcs, count, views.length);
                    count += views.length;
                }
            }
            wrapViews(srcs, count, buf, scratch);
        } catch (SSLException e) {
            buf.release();
            throw e;
        } finally {
            scratch.clearSources(count);
            release(); // wrapped, or never to be sent: the layer fails on the exception
        }
        TlsRecords.send(buf, out);
    }

    /**
     * The one held write made into its record in its own buffer, which is then sent: no output
     * buffer to take from the pool and give back per flush (an echo's reply, a small answer). The
     * engine copies the plaintext into the scratch array and encrypts there, so the write's memory
     * is free to take the record. Only for a write of at most one record in a pooled buffer of its
     * own (not a view: its memory is not shared) that nobody else holds (a broadcast retains one
     * buffer for many connections, which must not see it overwritten; the thread's plaintext spare
     * counts as held once, see {@link TlsScratch#plain}); a record larger than the
     * buffer (its capacity is the plaintext's, exactly) goes to a pooled buffer instead. False,
     * with nothing done, when the write does not qualify or the engine did not make exactly one
     * record of all of it (closed, or it wants more room): the general path then takes over from
     * where the engine left off (whatever it made is sent first).
     */
    private boolean wrapOwnBuffer(Layer.Sink out) throws SSLException {
        ByteBuf b = held.peek();
        int length = b.readableBytes();
        TlsScratch scratch = TlsScratch.get();
        if (length == 0 || length > MIN_FRAGMENT || !ownPooled(b, scratch)) {
            return false;
        }
        ByteBuffer[] srcs = scratch.sources(1);
        srcs[0] = b.internalNioBuffer(b.readerIndex(), length);
        ByteBuffer dst = scratch.wire(records.packetSize());
        SSLEngineResult r;
        try {
            r = engine.wrap(srcs, 0, 1, dst);
        } catch (SSLException e) {
            release(); // never to be sent: the layer fails on the exception
            throw e;
        } finally {
            scratch.clearSources(1);
        }
        handshaking |= r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING;
        int made = r.bytesProduced();
        if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() != length) {
            b.skipBytes(r.bytesConsumed());
            heldBytes -= r.bytesConsumed();
            if (made > 0) {
                out.send(alloc.directBuffer(made).writeBytes(dst.array(), 0, made));
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                records.sizesChanged();
            }
            return false;
        }
        held.poll();
        heldBytes = 0;
        if (made <= b.capacity()) {
            out.send(b.clear().writeBytes(dst.array(), 0, made));
        } else {
            b.release();
            out.send(alloc.directBuffer(made).writeBytes(dst.array(), 0, made));
        }
        return true;
    }

    /**
     * Whether {@code b}'s memory is the connection's pool's and {@code b}'s alone to overwrite: a
     * direct buffer of the pool itself (not a view of another, not a wrapped array or constant: a
     * pooled allocator wraps nothing), held by nobody else, writable.
     */
    private boolean ownPooled(ByteBuf b, TlsScratch scratch) {
        return alloc.isDirectBufferPooled() && b.alloc() == alloc && b.isDirect() && b.unwrap() == null
                && (b.refCnt() == 1 || scratch.spareOwnedOnce(b)) && !b.isReadOnly() && b.nioBufferCount() == 1;
    }

    /** Wraps {@code srcs[0, count)} entirely into {@code buf}, a record's worth of views per call. */
    private void wrapViews(ByteBuffer[] srcs, int count, ByteBuf buf, TlsScratch scratch) throws SSLException {
        int first = 0;
        while (true) {
            while (first < count && !srcs[first].hasRemaining()) {
                first++;
            }
            if (first == count) {
                return;
            }
            // Only the views one record can take: the engine sums what every view it is given holds.
            int end = first;
            long window = 0;
            while (end < count && window < MAX_RECORD_PLAINTEXT) {
                window += srcs[end++].remaining();
            }
            int room = records.packetSize();
            ByteBuffer dst = scratch.wire(room);
            SSLEngineResult r = engine.wrap(srcs, first, end - first, dst);
            buf.writeBytes(dst.array(), 0, r.bytesProduced());
            handshaking |= r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING;
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                return;
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (!records.sizesGrewBeyond(room)) {
                    throw new SSLException("the engine wants more than " + room + " bytes for one record");
                }
            } else if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                throw new SSLException("the engine took no plaintext and made no record");
            }
        }
    }

    /** Frees the held writes (wrapped, or never to be sent). */
    void release() {
        ByteBuf b;
        while ((b = held.poll()) != null) {
            b.release();
        }
        heldBytes = 0;
    }
}
