package io.jselectors.protocol.http.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.util.Arrays;

/**
 * Finds the end of the line at a buffer's reader index and copies the line into an array in the
 * same pass, so every input byte is read from the {@link ByteBuf} once, however the line was split
 * into reads: a partial line stays copied, and the next search continues after it. The parser then
 * checks the line with plain array scans.
 *
 * <p>Reading byte by byte through a processor (not {@code getBytes} into an array) allocates
 * nothing, even on a pooled direct buffer when Netty runs without {@code sun.misc.Unsafe}, where
 * {@code getBytes} makes a {@code ByteBuffer} view per call. One instance per connection (it grows
 * to the longest line seen, bounded by the callers' limits); not thread-safe.
 */
public final class LineScanner implements ByteProcessor {

    private static final byte LF = '\n';

    /** Initial line buffer: a typical request line or field line fits, longer ones grow it. */
    private static final int INITIAL_LINE = 128;

    private byte[] line = new byte[INITIAL_LINE];
    /** Bytes of the current line copied so far (from the reader index). */
    private int copied;

    /**
     * The index in {@code in} of the LF ending the line that starts at its reader index, or -1 if
     * it has not arrived; then at most {@code limit} bytes of the line are kept and the caller is to
     * refuse the line if {@code in} holds more than that.
     */
    public int find(ByteBuf in, int limit) {
        int from = in.readerIndex() + copied;
        int available = Math.min(in.writerIndex() - from, limit + 1 - copied);
        if (available <= 0) {
            return -1;
        }
        if (line.length < copied + available) {
            line = Arrays.copyOf(line, Math.max(copied + available, line.length * 2));
        }
        return in.forEachByte(from, available, this);
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
