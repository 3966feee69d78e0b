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
    /**
     * The least plaintext a full record of the JDK's engine carries, to size the buffer a flush's
     * records go into: it takes a little less than 16 KiB per record (16,367 bytes on TLS 1.3 with
     * JDK 25), and TLS 1.3 may spend up to 256 bytes of a record on padding.
     */
    private static final int MIN_FRAGMENT = MAX_RECORD_PLAINTEXT - 256;
    /** A TLS record's header: type (1), version (2), length (2) (RFC 8446, 5.1). */
    private static final int HEADER = 5;
    /** Where the record length sits in the header. */
    private static final int LENGTH_OFFSET = 3;
    /** The record types TLS 1.2 and 1.3 know: change_cipher_spec (20) to application_data (23). */
    private static final int FIRST_CONTENT_TYPE = 20;
    private static final int LAST_CONTENT_TYPE = 23;
    /** Every TLS record's version starts with 3 (3.1 to 3.4); anything else is not TLS. */
    private static final int VERSION_MAJOR = 3;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final ByteBufAllocator alloc;
    private ByteBuf inbound;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private long heldBytes;
    private boolean finished;
    private boolean handshaking;
    private int packetSize;
    private int applicationSize;

    TlsRecords(SSLEngine engine, ByteBufAllocator alloc) {
        this.engine = engine;
        this.alloc = alloc;
    }

    /** Bytes from the peer not yet unwrapped. */
    int inboundBytes() {
        return inbound == null ? 0 : inbound.readableBytes();
    }

    /** What the waiting bytes' buffer holds, used or not; for tests. */
    int inboundCapacity() {
        return inbound == null ? 0 : inbound.capacity();
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
     * Appends bytes from the peer after those still waiting; takes ownership of {@code wire}. The
     * new bytes are copied into the room left behind the waiting ones (a read buffer has room to
     * spare); only when it lacks room are both moved to a larger buffer: twice what has arrived, at
     * most the record under way. Not the announced record at once: a peer that sends a header
     * announcing 16 KiB and then trickles would hold that much per connection for bytes it never
     * sent; doubling keeps the copying of a trickled record linear while what is held stays within
     * twice what arrived.
     */
    void append(ByteBuf wire) {
        if (inbound == null || !inbound.isReadable()) {
            if (inbound != null) {
                inbound.release();
            }
            inbound = wire;
            return;
        }
        int more = wire.readableBytes();
        if (inbound.writableBytes() < more || inbound.isReadOnly() || inbound.refCnt() != 1) {
            int arrived = inbound.readableBytes() + more;
            ByteBuf joined = alloc.directBuffer(Math.max(arrived, Math.min(recordUnderWay(), 2 * arrived)));
            joined.writeBytes(inbound);
            inbound.release();
            inbound = joined;
        }
        inbound.writeBytes(wire);
        wire.release();
    }

    /**
     * Skips what the engine took; a buffer emptied goes back to the pool at once, so a connection
     * between messages holds none (and the next read reuses it while it is still in cache).
     */
    private void consumed(int n) {
        inbound.skipBytes(n);
        if (!inbound.isReadable()) {
            inbound.release();
            inbound = null;
        }
    }

    /** The wire size of the first waiting record as its header announces it, at most a packet; 0 before a header. */
    private int recordUnderWay() {
        if (inbound.readableBytes() < HEADER) {
            return 0;
        }
        return Math.min(packetSize(), HEADER + inbound.getUnsignedShort(inbound.readerIndex() + LENGTH_OFFSET));
    }

    /**
     * Unwraps one record if a whole one is buffered, handing its plaintext to {@code out}; {@code
     * null} when nothing waits. An underflow (half a record) is an ordinary result.
     *
     * <p>A whole record is copied to the thread's {@link TlsScratch} and decrypted there; the
     * engine puts its plaintext straight into a pooled buffer of the record's size (the plaintext
     * is shorter than its record), which goes to {@code out}. Half a record is left for the next
     * read without asking the engine (it would only answer underflow). A header that is not TLS's,
     * or announces more than this session's packet size, goes to the engine as it is, which grows
     * the session's sizes (a large record it accepts) or refuses it at once, whatever the peer
     * sends after the header: a hostile peer meets the engine's checks as early as before.
     */
    SSLEngineResult unwrap(Layer.Sink out) throws SSLException {
        if (inbound == null) {
            return null;
        }
        int readable = inbound.readableBytes();
        if (readable < HEADER) {
            return null;
        }
        int at = inbound.readerIndex();
        int length = HEADER + inbound.getUnsignedShort(at + LENGTH_OFFSET);
        int type = inbound.getUnsignedByte(at);
        if (length > packetSize() || type < FIRST_CONTENT_TYPE || type > LAST_CONTENT_TYPE || inbound.getUnsignedByte(at + 1) != VERSION_MAJOR) {
            return unwrapInPlace(out); // the engine's verdict at once, as before the record is whole
        }
        if (readable < length) {
            return null;
        }
        ByteBuffer src = TlsScratch.get().wire(length);
        inbound.getBytes(at, src.array(), 0, length);
        ByteBuf plain = alloc.directBuffer(length);
        SSLEngineResult r;
        try {
            // The buffer's own view: no object per record (a pooled buffer keeps one for such calls).
            r = engine.unwrap(src, plain.internalNioBuffer(0, length));
        } catch (SSLException e) {
            plain.release();
            throw e;
        }
        consumed(r.bytesConsumed());
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            sizesChanged();
        }
        if (r.bytesProduced() > 0) {
            out.deliver(plain.writerIndex(r.bytesProduced()));
        } else {
            plain.release();
        }
        return r;
    }

    /** The engine on the buffered bytes themselves: a record larger than the session's packets (rare). */
    private SSLEngineResult unwrapInPlace(Layer.Sink out) throws SSLException {
        ByteBuf plain = alloc.directBuffer(engine.getSession().getApplicationBufferSize());
        SSLEngineResult r;
        try {
            r = engine.unwrap(inbound.nioBuffer(), plain.nioBuffer(plain.writerIndex(), plain.writableBytes()));
        } catch (SSLException e) {
            plain.release();
            throw e;
        }
        sizesChanged();
        consumed(r.bytesConsumed());
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

    /**
     * Whether a wrap of held writes reported a handshake status (the engine wants to send a
     * KeyUpdate, say) since the last call; clears it.
     */
    boolean takeHandshaking() {
        boolean was = handshaking;
        handshaking = false;
        return was;
    }

    /** Whether a wrap reported the end of the handshake since the last call; clears it. */
    boolean takeFinished() {
        boolean was = finished;
        finished = false;
        return was;
    }

    /**
     * Wraps the held handler writes into as few records as the 16 KiB limit allows, and sends them
     * in one buffer. The engine reads the writes themselves (views of them, in the thread's {@link
     * TlsScratch}), a record's worth of them per call, and makes each record in the scratch array,
     * from where it is copied out: one copy per byte each way, whatever the writes' number and kind.
     */
    void wrapHeld(Layer.Sink out) throws SSLException {
        long records = (heldBytes + MIN_FRAGMENT - 1) / MIN_FRAGMENT;
        long overhead = Math.max(0, packetSize() - MAX_RECORD_PLAINTEXT);
        ByteBuf buf = alloc.directBuffer((int) Math.min(Integer.MAX_VALUE - 1, heldBytes + records * overhead));
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
            releaseHeld(); // wrapped, or never to be sent: the layer fails on the exception
        }
        send(buf, out);
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
            int room = packetSize();
            ByteBuffer dst = scratch.wire(room);
            SSLEngineResult r = engine.wrap(srcs, first, end - first, dst);
            buf.writeBytes(dst.array(), 0, r.bytesProduced());
            handshaking |= r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING;
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                return;
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (!sizesChanged(room)) {
                    throw new SSLException("the engine wants more than " + room + " bytes for one record");
                }
            } else if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                throw new SSLException("the engine took no plaintext and made no record");
            }
        }
    }

    /** The session's packet size, asked once (the engine locks for it) until it may have changed. */
    private int packetSize() {
        if (packetSize == 0) {
            packetSize = engine.getSession().getPacketBufferSize();
        }
        return packetSize;
    }

    /** The session's application buffer size, cached as {@link #packetSize()} is. */
    private int applicationSize() {
        if (applicationSize == 0) {
            applicationSize = engine.getSession().getApplicationBufferSize();
        }
        return applicationSize;
    }

    /** Forgets the cached sizes: a handshake ended (a new session) or the engine grew them. */
    void sizesChanged() {
        packetSize = 0;
        applicationSize = 0;
    }

    /** Forgets the cached sizes after an overflow; whether the packet size grew beyond {@code had}. */
    private boolean sizesChanged(int had) {
        sizesChanged();
        return packetSize() > had;
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
