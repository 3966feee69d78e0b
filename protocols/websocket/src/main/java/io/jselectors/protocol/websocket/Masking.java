package io.jselectors.protocol.websocket;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Unmasks a client frame's payload in place (RFC 6455 section 5.3) and says in the same pass
 * whether every unmasked byte is ASCII, so that a text message's UTF-8 check can skip a chunk the
 * unmasking already saw whole: the payload's bytes are loaded once instead of twice.
 *
 * <p>A buffer with a memory address (the server's pooled direct buffers) is unmasked by address,
 * eight bytes at a time, as {@code LineScanner} scans lines: a plain load, XOR and store per word,
 * where the buffer's own {@code getLong}/{@code setLong} check the index and the reference count
 * on every call. Other buffers go through those accessors, still eight bytes at a time.
 */
final class Masking {

    /**
     * All of the address space, to reach a buffer's bytes at its memory address. Accesses through
     * it are bounded by the callers' arguments, never by the segment (see their SAFETY notes).
     */
    static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** Eight bytes, the first at the lowest address in the lowest bits whatever the platform's order. */
    static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The top bit of each of 8 bytes: a word with none of them set is 8 ASCII bytes. */
    static final long NON_ASCII_BITS = 0x8080_8080_8080_8080L;

    private Masking() {}

    /**
     * XORs {@code key} over {@code n} bytes of {@code in} from {@code start} (absolute indexes,
     * which the caller has checked lie within the readable bytes), the key's top byte on the byte
     * at {@code start}, continuing in key order.
     *
     * @param key the masking key rotated so that its most significant byte is the one due at {@code start}
     * @return whether every unmasked byte is below 0x80
     */
    static boolean unmask(ByteBuf in, int start, int n, int key) {
        return in.hasMemoryAddress() ? unmaskAt(in.memoryAddress() + start, n, key) : unmaskIndexed(in, start, n, key);
    }

    private static boolean unmaskAt(long at, int n, int key) {
        int firstLow = Integer.reverseBytes(key); // little-endian words: the key's first byte lowest
        long key64 = (firstLow & 0xFFFF_FFFFL) | ((long) firstLow << 32);
        long seen = 0;
        int i = 0;
        // SAFETY (every access below): [at, at + n) is payload the caller's buffer holds between its
        // reader and writer index (FrameDecoder passes the bytes that arrived of the current frame),
        // memory the buffer owns while the caller holds it; words are accessed only where all eight
        // bytes lie in that range.
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            long x = MEMORY.get(WORD, at + i) ^ key64;
            MEMORY.set(WORD, at + i, x);
            seen |= x;
        }
        for (; i < n; i++) {
            int x = (MEMORY.get(ValueLayout.JAVA_BYTE, at + i) ^ (key >>> (24 - 8 * (i & 3)))) & 0xFF;
            MEMORY.set(ValueLayout.JAVA_BYTE, at + i, (byte) x);
            seen |= x;
        }
        return (seen & NON_ASCII_BITS) == 0;
    }

    private static boolean unmaskIndexed(ByteBuf in, int start, int n, int key) {
        long key64 = ((key & 0xFFFF_FFFFL) << 32) | (key & 0xFFFF_FFFFL); // big-endian words: first byte highest
        long seen = 0;
        int i = 0;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            long x = in.getLong(start + i) ^ key64;
            in.setLong(start + i, x);
            seen |= x;
        }
        for (; i < n; i++) {
            int x = (in.getByte(start + i) ^ (key >>> (24 - 8 * (i & 3)))) & 0xFF;
            in.setByte(start + i, x);
            seen |= x;
        }
        return (seen & NON_ASCII_BITS) == 0;
    }
}
