package io.jselectors.connection.tls;

import io.jselectors.protocol.BufferSpare;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What a loop thread's {@link TlsRecords} hand the engine: one heap buffer for a record's
 * ciphertext, shared by every TLS connection of the loop since a record passes through it within
 * one call, and the array of views a flush's held writes are wrapped from.
 *
 * <p>Why the ciphertext goes through the heap: the JDK's AES-GCM runs its intrinsic on arrays
 * only; on a direct buffer it goes through 768-byte chunks copied in and out of two fresh arrays
 * per call. The engine decrypts in its source buffer and encrypts in its destination, so those
 * are this array; the plaintext side of both calls is a plain copy the engine makes itself, so it
 * stays in the connection's pooled direct buffers (which the socket reads and writes by address):
 * a record costs one copy in and one out of the array, no more. The server's pool has no heap
 * arenas (every buffer there is direct), so the array is kept here instead of allocated per record.
 *
 * <p>Held per thread ({@link FastThreadLocal}: an indexed slot on the loops' threads): a session's
 * packet size (about 16 KiB) and the largest flush's view array per thread that ever ran TLS, and
 * while the thread has TLS connections, one pooled plaintext buffer ({@link #plain}).
 */
final class TlsScratch {

    private static final FastThreadLocal<TlsScratch> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected TlsScratch initialValue() {
            return new TlsScratch();
        }
    };

    private ByteBuffer wire = ByteBuffer.allocate(0);
    private ByteBuffer[] sources = new ByteBuffer[16];
    /** The plaintext spare: see {@link #plain}. */
    private final BufferSpare spare = new BufferSpare();
    /** The {@link TlsRecords} of this thread that have taken a plaintext buffer and not closed. */
    private int users;

    private TlsScratch() {
    }

    /** The calling thread's buffers. */
    static TlsScratch get() {
        return PER_THREAD.get();
    }

    /**
     * Room for {@code size} bytes of records (limit {@code size}, position 0); grows (and stays
     * grown) when asked for more. The caller is done with it before it returns.
     */
    ByteBuffer wire(int size) {
        if (wire.capacity() < size) {
            wire = ByteBuffer.allocate(size);
        }
        return wire.clear().limit(size);
    }

    /** An array with room for at least {@code count} views; the caller {@link #clearSources clears} what it filled. */
    ByteBuffer[] sources(int count) {
        if (sources.length < count) {
            sources = Arrays.copyOf(sources, Math.max(count, sources.length * 2));
        }
        return sources;
    }

    /**
     * A buffer of {@code size} bytes' capacity from {@code alloc} for a record's plaintext; the
     * caller owns one reference. The thread's {@link BufferSpare}, the loops' read-buffer rule: an
     * echo's record then costs the pool nothing (a retain and a release instead of the thread
     * cache's allocate and free). Only between {@link #join} and {@link #leave}: a thread with no
     * TLS connection left holds none.
     */
    ByteBuf plain(ByteBufAllocator alloc, int size) {
        return spare.take(alloc, size);
    }

    /** Whether {@code b} is the plaintext spare and nobody but its one owner and this thread holds it. */
    boolean spareOwnedOnce(ByteBuf b) {
        return spare.isSpareWithOneOwner(b);
    }

    /** A {@link TlsRecords} of this thread starts taking {@link #plain} buffers. */
    void join() {
        users++;
    }

    /** A {@link TlsRecords} that {@link #join joined} has closed; the last one gives the spare back. */
    void leave() {
        if (--users == 0) {
            spare.release();
        }
    }

    /** Drops the first {@code count} views, so no buffer is kept reachable after its flush. */
    void clearSources(int count) {
        Arrays.fill(sources, 0, count, null);
    }
}
