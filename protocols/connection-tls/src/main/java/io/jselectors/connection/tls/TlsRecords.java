package io.jselectors.connection.tls;

import io.jselectors.connection.ConnectionLimits;
import io.jselectors.connection.Layer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The byte side of a {@link TlsLayer}: the records that arrived and wait for the engine, the
 * handler writes that wait for the next flush (its {@link HeldWrites}), and the engine's wrap and
 * unwrap calls between them and the connection's {@link Layer.Sink}. It decides nothing about the handshake: an engine
 * error is thrown to the layer, which knows what it means, and a {@code FINISHED} status seen
 * during a wrap is kept for the layer to {@link #takeFinished() take}.
 *
 * <p>Loop thread only. Its buffers are the pooled allocator's; {@link #release()} frees them.
 */
final class TlsRecords {

    /** Largest plaintext of one record (RFC 8446, 5.1): the unit writes are coalesced into. */
    static final int MAX_RECORD_PLAINTEXT = HeldWrites.MAX_RECORD_PLAINTEXT;
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
    private final HeldWrites writes;
    private boolean finished;
    private int packetSize;
    /** The loop thread's scratch once a record has taken its plaintext spare; left on {@link #release()}. */
    private TlsScratch joined;

    TlsRecords(SSLEngine engine, ByteBufAllocator alloc) {
        this.engine = engine;
        this.alloc = alloc;
        this.writes = new HeldWrites(engine, alloc, this);
    }

    /**
     * What the held writes cost, as the outbound queue counts it: their bytes plus {@link
     * ConnectionLimits#ENTRY_OVERHEAD} each, so many tiny writes held for a flush reach the water
     * marks at the heap they hold.
     */
    long heldCost() {
        return writes.heldCost();
    }

    /** Whether handler writes wait for the next flush. */
    boolean hasHeld() {
        return writes.hasHeld();
    }

    /** Keeps a handler write for the next flush; takes ownership of {@code plain}. */
    void hold(ByteBuf plain) {
        writes.hold(plain);
    }

    /** Wraps the held writes and sends their records: see {@link HeldWrites#wrap}. */
    void wrapHeld(Layer.Sink out) throws SSLException {
        writes.wrap(out);
    }

    /**
     * Whether a wrap of held writes reported a handshake status (the engine wants to send a
     * KeyUpdate, say) since the last call; clears it.
     */
    boolean takeHandshaking() {
        return writes.takeHandshaking();
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
        TlsScratch scratch = scratch();
        ByteBuffer src = scratch.wire(length);
        inbound.getBytes(at, src.array(), 0, length);
        ByteBuf plain = scratch.plain(alloc, length);
        ByteBuffer[] dsts = scratch.sources(1);
        SSLEngineResult r;
        try {
            // The buffer's own view: no object per record (a pooled buffer keeps one for such calls),
            // in the scratch's array rather than the one unwrap(src, dst) would make per call.
            dsts[0] = plain.internalNioBuffer(0, length);
            r = engine.unwrap(src, dsts, 0, 1);
        } catch (SSLException e) {
            plain.release();
            throw e;
        } finally {
            scratch.clearSources(1);
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

    /** Whether a wrap reported the end of the handshake since the last call; clears it. */
    boolean takeFinished() {
        boolean was = finished;
        finished = false;
        return was;
    }

    /** The thread's scratch, joined on the first record so its plaintext spare lives while this does. */
    private TlsScratch scratch() {
        if (joined == null) {
            joined = TlsScratch.get();
            joined.join();
        }
        return joined;
    }

    /** The session's packet size, asked once (the engine locks for it) until it may have changed. */
    int packetSize() {
        if (packetSize == 0) {
            packetSize = engine.getSession().getPacketBufferSize();
        }
        return packetSize;
    }

    /** Forgets the cached sizes: a handshake ended (a new session) or the engine grew them. */
    void sizesChanged() {
        packetSize = 0;
    }

    /** Forgets the cached sizes after an overflow; whether the packet size grew beyond {@code had}. */
    boolean sizesGrewBeyond(int had) {
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

    /** Sends {@code buf} if it holds anything, else frees it. */
    static void send(ByteBuf buf, Layer.Sink out) {
        if (buf.isReadable()) {
            out.send(buf);
        } else {
            buf.release();
        }
    }

    /** Frees every buffer held: the connection has closed. */
    void release() {
        writes.release();
        if (joined != null) {
            joined.leave();
            joined = null;
        }
        if (inbound != null) {
            inbound.release();
            inbound = null;
        }
    }
}
