package io.jselectors.connection;

/**
 * What one socket write reports, packed in a {@code long} so the hot path allocates nothing: the
 * bytes the socket took, and whether it took less than it was offered (it is full now, so the
 * connection waits for WRITE readiness instead of trying again). The socket knows what it offered
 * (a gather write may cover only part of a long queue), so it says so itself; the connection never
 * guesses from a transport's iovec limit.
 */
public final class WriteResult {

    private WriteResult() {}

    /** From a file send: the region must be read into buffers instead (no zero-copy path here). */
    public static final long COPY = -1;

    /** The socket took all {@code written} bytes it was offered; there may be more queued to offer. */
    public static long complete(long written) {
        return written << 1;
    }

    /** The socket took {@code written} bytes, fewer than offered (possibly 0): it is full. */
    public static long full(long written) {
        return (written << 1) | 1;
    }

    /** The bytes written. */
    public static long written(long result) {
        return result >>> 1;
    }

    /** Whether the socket is full. */
    public static boolean isFull(long result) {
        return (result & 1) != 0;
    }
}
