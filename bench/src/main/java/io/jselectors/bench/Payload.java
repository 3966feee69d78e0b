package io.jselectors.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The bytes every connection sends, laid out once in native memory so that sends go straight from
 * it and echoed bytes are checked against it, with nothing copied or allocated per operation.
 *
 * <p>Each connection's byte stream is an endless repetition of a {@value #PERIOD}-byte pattern,
 * started at an offset of its own (its seed), so a server that mixed up two connections' bytes or
 * dropped, repeated or reordered bytes within one is caught. The period is prime so that it does
 * not divide common message sizes: message boundaries land on a different phase every time.
 *
 * <p>The segment holds the pattern followed by {@code maxChunk} more bytes of it, so any run of up
 * to {@code maxChunk} bytes, starting at any phase, is one contiguous slice.
 */
final class Payload {

    /** Pattern length in bytes: prime, and below 256 so no byte repeats within a period. */
    static final int PERIOD = 241;

    private final MemorySegment pattern;
    private final int maxChunk;

    /** Lays out the pattern in {@code arena} for runs of up to {@code maxChunk} bytes. */
    Payload(Arena arena, int maxChunk) {
        if (maxChunk < 1) {
            throw new IllegalArgumentException("maxChunk must be positive: " + maxChunk);
        }
        this.maxChunk = maxChunk;
        this.pattern = arena.allocate(PERIOD + (long) maxChunk);
        for (long i = 0; i < pattern.byteSize(); i++) {
            pattern.set(JAVA_BYTE, i, byteAt(i));
        }
    }

    /**
     * The byte at phase {@code i} of the pattern. An odd multiplier makes {@code i -> 31 i + 7}
     * one-to-one modulo 256, so the {@value #PERIOD} bytes of a period are all different.
     */
    static byte byteAt(long i) {
        return (byte) ((i % PERIOD) * 31 + 7);
    }

    /** The seed (starting phase) of connection number {@code index}. */
    static int seedOf(int index) {
        return (int) ((index * 53L) % PERIOD);
    }

    /** The most bytes {@link #address} and {@link #matches} may be asked about at once. */
    int maxChunk() {
        return maxChunk;
    }

    /**
     * The native address of the stream's bytes from {@code position} on, for a connection with
     * {@code seed}; valid for {@link #maxChunk()} bytes while the arena is open.
     */
    long address(int seed, long position) {
        return pattern.address() + phase(seed, position);
    }

    /**
     * Whether {@code len} bytes at {@code offset} of {@code received} are the stream's bytes from
     * {@code position} on, for a connection with {@code seed}.
     */
    boolean matches(MemorySegment received, long offset, int len, int seed, long position) {
        if (len > maxChunk) {
            throw new IllegalArgumentException("at most " + maxChunk + " bytes at once, got " + len);
        }
        long phase = phase(seed, position);
        return MemorySegment.mismatch(received, offset, offset + len, pattern, phase, phase + len) == -1;
    }

    private static long phase(int seed, long position) {
        return (position + seed) % PERIOD;
    }
}
