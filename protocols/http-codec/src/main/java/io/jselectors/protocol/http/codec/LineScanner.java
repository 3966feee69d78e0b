package io.jselectors.protocol.http.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Finds the end of the line at a buffer's reader index and copies the line into an array in the
 * same pass, so every input byte is read from the {@link ByteBuf} once, however the line was split
 * into reads: a partial line stays copied, and the next search continues after it. The parser then
 * checks the line with plain array scans.
 *
 * <p>A buffer with a memory address (the server's pooled direct buffers) is searched by address
 * eight bytes at a time ({@link #copyToLineFeed}), each word stored as it is read: about a fifth less CPU than the byte loop
 * for {@code /hello}'s three lines (bench/PROFILE.md, fourth pass; the scan is the largest parsing
 * frame of pipelined requests). Other buffers are read byte by byte through a processor, never with
 * {@code getBytes} into an array, which on a direct buffer without {@code sun.misc.Unsafe} (Netty's
 * default on JDK 24 and later) makes a {@code ByteBuffer} view per call: neither way allocates. One instance per connection (it grows to the longest line seen,
 * bounded by the callers' limits); not thread-safe.
 */
public final class LineScanner implements ByteProcessor {

    private static final byte LF = '\n';

    /**
     * All of the address space, to read a buffer's bytes at its memory address. Accesses through it
     * are bounded by {@link #copyToLineFeed}'s arguments, never by the segment (see the SAFETY note there).
     */
    private static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** Eight bytes, the first at the lowest address in the lowest bits whatever the platform's order. */
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Eight bytes of the line array written as one {@code long}, in {@link #WORD}'s order. */
    private static final VarHandle ARRAY_WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Initial line buffer: a typical request line or field line fits, longer ones grow it. */
    private static final int INITIAL_LINE = 128;

    /** Made at the first search: a connection that never sends a line holds none (issue #17). */
    private byte[] line;
    /** Bytes of the current line copied so far (from the reader index). */
    private int copied;

    /**
     * The index in {@code in} of the LF ending the line that starts at its reader index, or -1 if
     * it has not arrived; then at most {@code limit} bytes of the line are kept and the caller is to
     * refuse the line if {@code in} holds more than that.
     */
    public int find(ByteBuf in, int limit) {
        return find(in, addressOf(in), limit);
    }

    /** What {@link #find(ByteBuf, long, int)} takes for a buffer without a memory address. */
    public static final long NO_ADDRESS = 0;

    /** {@code in}'s memory address, or {@link #NO_ADDRESS}: read it once for several {@link #find} calls on the same buffer. */
    public static long addressOf(ByteBuf in) {
        return in.hasMemoryAddress() ? in.memoryAddress() : NO_ADDRESS;
    }

    /**
     * {@link #find(ByteBuf, int)} with {@code in}'s {@link #addressOf address} already read: a pooled
     * buffer's address is a few dependent loads and a reference-count check away, and a request
     * has a line search per line. {@code address} must be {@code addressOf(in)} taken while the
     * caller has held {@code in} without changing its capacity since (its memory stays where it is).
     */
    public int find(ByteBuf in, long address, int limit) {
        int from = in.readerIndex() + copied;
        int available = Math.min(in.writerIndex() - from, limit + 1 - copied);
        if (available <= 0) {
            return -1;
        }
        byte[] to = line;
        if (to == null || to.length < copied + available) {
            grow(copied + available); // out of line: find stays small enough to inline
        }
        if (address != NO_ADDRESS) {
            return scan(address, from, available);
        }
        return in.forEachByte(from, available, this);
    }

    /**
     * {@link #find} over the bytes at {@code address + from}, through {@link #copyToLineFeed}.
     */
    private int scan(long address, int from, int available) {
        int lf = lineFeed(copyToLineFeed(address + from, available, line, copied));
        copied += lf < 0 ? available : lf + 1;
        return lf < 0 ? -1 : from + lf;
    }

    /** {@link #firstControl} of a search that met no byte below SP and no DEL. */
    public static final int NO_CONTROL = Integer.MAX_VALUE;

    /**
     * The one line search of the HTTP code (this scanner's, and the request decoder's, which copies
     * a field line straight into the request): looks for the first LF in the {@code available}
     * bytes at address {@code at} and copies the bytes to {@code to[toFrom...]} as it reads them
     * (the array must have room for all {@code available}; bytes past the LF are stored but not
     * counted). Eight bytes at a time: a word compared with eight LFs at once and stored whole as
     * it is read, so the copy costs no second pass; the last few bytes of a search of eight or more
     * are read as the word that ends with them (it overlaps bytes already searched): a line's end
     * costs one word instead of up to seven byte steps. The same words are tested for control
     * bytes, so a caller learns for free whether a line holds any besides its CR and LF.
     *
     * @return both offsets (from {@code at}) in one value, read with {@link #lineFeed} (the LF's, or
     *     -1) and {@link #firstControl} (the first byte below SP or equal to DEL, the LF included,
     *     or {@link #NO_CONTROL})
     */
    public static long copyToLineFeed(long at, int available, byte[] to, int toFrom) {
        int control = NO_CONTROL;
        int i = 0;
        // SAFETY (every access below): the caller passes [at, at + available) within a buffer's
        // readable bytes, memory the buffer owns and the caller holds for this call (it read the
        // address of that buffer); words are read only where all eight bytes lie in that range.
        for (; i + Long.BYTES <= available; i += Long.BYTES) {
            long word = MEMORY.get(WORD, at + i);
            ARRAY_WORD.set(to, toFrom + i, word);
            long controls = HttpSyntax.controlBytes(word);
            if (controls != 0) { // at least the LF's word
                if (control == NO_CONTROL) {
                    control = i + (Long.numberOfTrailingZeros(controls) >>> 3);
                }
                long found = HttpSyntax.lineFeeds(word);
                if (found != 0) {
                    return found(i + (Long.numberOfTrailingZeros(found) >>> 3), control);
                }
            }
        }
        if (i == available) {
            return found(-1, control);
        }
        if (available >= Long.BYTES) {
            int last = available - Long.BYTES;
            long word = MEMORY.get(WORD, at + last);
            ARRAY_WORD.set(to, toFrom + last, word); // the overlapped bytes again, the same values
            // The low i - last bytes were searched already. None is an LF, so the LF match above
            // them is exact (a borrow starts only at a byte that matches); a control among them
            // was noted then, and if there is none the control match above them is exact too.
            long seen = -1L << ((i - last) * Byte.SIZE);
            long controls = HttpSyntax.controlBytes(word) & seen;
            if (controls != 0 && control == NO_CONTROL) {
                control = last + (Long.numberOfTrailingZeros(controls) >>> 3);
            }
            long lf = HttpSyntax.lineFeeds(word) & seen;
            return found(lf != 0 ? last + (Long.numberOfTrailingZeros(lf) >>> 3) : -1, control);
        }
        for (; i < available; i++) {
            byte b = MEMORY.get(ValueLayout.JAVA_BYTE, at + i);
            to[toFrom + i] = b;
            if ((b >= 0 && b < ' ') || b == 0x7f) {
                if (control == NO_CONTROL) {
                    control = i;
                }
                if (b == LF) {
                    return found(i, control);
                }
            }
        }
        return found(-1, control);
    }

    private static long found(int lineFeed, int firstControl) {
        return ((long) firstControl << 32) | (lineFeed & 0xFFFF_FFFFL);
    }

    /** The LF's offset in a {@link #copyToLineFeed} result, or -1 if the bytes held none. */
    public static int lineFeed(long found) {
        return (int) found;
    }

    /** The first control byte's offset in a {@link #copyToLineFeed} result, or {@link #NO_CONTROL}. */
    public static int firstControl(long found) {
        return (int) (found >>> 32);
    }

    private void grow(int needed) {
        line = line == null ? new byte[Math.max(INITIAL_LINE, needed)] : Arrays.copyOf(line, Math.max(needed, line.length * 2));
    }

    /** The line found by {@link #find}, LF included, from index 0; valid until {@link #next()}. */
    public byte[] line() {
        return line;
    }

    /** Forgets the current line: the next {@link #find} starts at the (moved) reader index. */
    public void next() {
        copied = 0;
    }

    /** Copies one byte of the line; {@code false} (stop) at the LF. Only {@link #find} calls it. */
    @Override
    public boolean process(byte value) {
        line[copied++] = value;
        return value != LF;
    }
}
