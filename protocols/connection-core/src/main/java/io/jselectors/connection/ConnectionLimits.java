package io.jselectors.connection;

/**
 * The per-connection limits every connection applies, server and testkit alike: the one
 * definition of the write water marks and of the read batch.
 *
 * <p>The water marks compare what the outbound queue costs: its readable bytes plus {@link
 * #ENTRY_OVERHEAD} per queued buffer or file region ({@code Connection.pendingWriteBytes()}).
 *
 * @param highWaterMark queued outbound cost above which a connection is not writable
 * @param lowWaterMark queued outbound cost below which a not writable connection is writable again
 * @param maxReadsPerEvent reads per readiness event before the loop serves other connections
 */
public record ConnectionLimits(int highWaterMark, int lowWaterMark, int maxReadsPerEvent) {

    /**
     * Default high water mark, 64 KiB (Netty's default too): enough to keep a gigabit link busy
     * between two flushes, small enough that 10,000 slow readers cost at most 640 MiB.
     */
    public static final int DEFAULT_HIGH_WATER = 64 * 1024;

    /**
     * What one queued buffer or file region costs beyond its readable bytes, 64 B: a retained
     * duplicate or slice of a pooled buffer is ~48 B of heap with compact object headers, plus its
     * deque slot and the allocator's smallest size class share. Counted so that many tiny writes
     * (a chat flood fanned out as one duplicate per member and line) reach the water marks and a
     * protocol's queue limit at the heap they hold, not at their payload: 1,024 one-byte writes
     * make a connection not writable, where counting bytes alone would queue 65,536 of them.
     */
    public static final int ENTRY_OVERHEAD = 64;

    /** Default low water mark, 32 KiB: half the high one, so writability does not flap per write. */
    public static final int DEFAULT_LOW_WATER = 32 * 1024;

    /**
     * Default reads per readiness event: 16 reads of up to 64 KiB, after which the loop moves on so
     * one fast sender cannot starve the other connections of its loop.
     */
    public static final int DEFAULT_MAX_READS = 16;

    /** Smallest read buffer; the size adapts between this and {@link #MAX_READ} to what reads return. */
    public static final int MIN_READ = 512;

    /** Largest read buffer: as much as one loopback read usually returns. */
    public static final int MAX_READ = 64 * 1024;

    /** First read buffer size, before any read has been seen. */
    public static final int INITIAL_READ = 2048;

    /**
     * The next read buffer size after a read of {@code n} bytes into {@code requested}: doubled
     * when the read filled the buffer, halved when it used under a quarter.
     */
    public static int nextReadSize(int size, int n, int requested) {
        return nextReadSize(size, n, requested, false);
    }

    /**
     * {@link #nextReadSize(int, int, int)} for a read that may be the tail of a batch: a read
     * after a full one in the same readiness event ({@code tail}) never halves the size. It is the
     * rest of a message that overran the buffer (a 16 KiB TLS message is two records, a little over 16 KiB on the wire),
     * not a sign that reads are small; halving there made every such message take two reads.
     */
    public static int nextReadSize(int size, int n, int requested, boolean tail) {
        if (tail && n < requested) {
            return size;
        }
        if (n == requested) {
            return Math.min(MAX_READ, size << 1);
        }
        return n < size >>> 2 ? Math.max(MIN_READ, size >>> 1) : size;
    }

    /** The defaults above. */
    public static final ConnectionLimits DEFAULTS =
            new ConnectionLimits(DEFAULT_HIGH_WATER, DEFAULT_LOW_WATER, DEFAULT_MAX_READS);

    /** Validates the limits. */
    public ConnectionLimits {
        if (lowWaterMark < 0 || highWaterMark <= lowWaterMark) {
            throw new IllegalArgumentException("the high water mark (" + highWaterMark
                    + ") must be above the low one (" + lowWaterMark + ")");
        }
        if (maxReadsPerEvent < 1) {
            throw new IllegalArgumentException("max reads per event must be at least 1, not " + maxReadsPerEvent);
        }
    }
}
