package io.jselectors.connection.tls;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;

/**
 * The heap buffers a loop thread's {@link TlsRecords} hand the engine: one record's ciphertext and
 * one record's plaintext, shared by every TLS connection of the loop, since a record passes through
 * them within one call.
 *
 * <p>Why heap: the JDK's AES-GCM runs its intrinsic on arrays only; a direct buffer goes through it
 * in 768-byte chunks copied in and out of two fresh arrays per call, and the engine decrypts in its
 * source buffer and encrypts in its destination. Copying a record between the connection's pooled
 * direct buffers (which the socket reads and writes by address) and these arrays costs less than
 * that, and lets the engine's calls take exactly one record (no {@code ByteBuffer} views of pooled
 * buffers made per call). The server's pool has no heap arenas (every buffer there is direct), so
 * the arrays are kept here instead of allocated per record.
 *
 * <p>Held per thread ({@link FastThreadLocal}: an indexed slot on the loops' threads): a session's
 * application buffer and packet sizes (about 16 KiB each) per thread that ever ran TLS. Each call
 * hands out a buffer cleared; the caller is done with it before it returns.
 */
final class TlsScratch {

    private static final FastThreadLocal<TlsScratch> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected TlsScratch initialValue() {
            return new TlsScratch();
        }
    };

    private ByteBuffer plain = ByteBuffer.allocate(TlsRecords.MAX_RECORD_PLAINTEXT);
    private ByteBuffer wire = ByteBuffer.allocate(0);

    private TlsScratch() {
    }

    /** The calling thread's buffers. */
    static TlsScratch get() {
        return PER_THREAD.get();
    }

    /** Room for {@code size} bytes of plaintext (limit {@code size}, position 0); grows (and stays grown) when asked for more. */
    ByteBuffer plain(int size) {
        if (plain.capacity() < size) {
            plain = ByteBuffer.allocate(size);
        }
        return plain.clear().limit(size);
    }

    /** Room for {@code size} bytes of records (limit {@code size}, position 0); grows as {@link #plain} does. */
    ByteBuffer wire(int size) {
        if (wire.capacity() < size) {
            wire = ByteBuffer.allocate(size);
        }
        return wire.clear().limit(size);
    }
}
