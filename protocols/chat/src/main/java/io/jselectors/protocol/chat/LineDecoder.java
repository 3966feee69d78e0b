package io.jselectors.protocol.chat;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into UTF-8 lines ended by LF or CRLF, across reads: a line may arrive in
 * many pieces and one read may hold many lines. Lines longer than the limit are discarded up to
 * the next LF and reported once; so is a line in pieces that the listener's {@link LineBudget}
 * has no room for. Invalid UTF-8 becomes U+FFFD. Confined to one connection's loop; {@link
 * #release} when the connection closes.
 */
final class LineDecoder {

    /** What the decoder reports, in stream order. */
    interface Sink {
        /**
         * One complete line, without its terminator.
         *
         * @return whether to go on decoding (false after {@code /quit}: what follows is dropped)
         */
        boolean line(String text);

        /** A line went past the limit; its bytes up to the next LF are being discarded. */
        void tooLong();

        /** A line in pieces found the line budget spent; its bytes up to the next LF are being discarded. */
        void noRoom();
    }

    private static final byte[] EMPTY = new byte[0];

    /** The smallest array a partial line gets: a line in pieces is usually short. */
    private static final int FIRST_CAPACITY = 64;

    private final int maxLine;
    private final LineBudget budget;
    /** The unfinished line; {@link #EMPTY} (and nothing counted in the budget) between lines. */
    private byte[] partial = EMPTY;
    private int partialLength;
    private boolean discarding;

    LineDecoder(int maxLine, LineBudget budget) {
        this.maxLine = maxLine;
        this.budget = budget;
    }

    /**
     * Consumes every readable byte of {@code in} (the caller still releases it), or stops early
     * when the sink says so.
     */
    void decode(ByteBuf in, Sink sink) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                buffer(in, start, in.writerIndex() - start, sink);
                in.readerIndex(in.writerIndex());
                return;
            }
            in.readerIndex(lf + 1);
            if (discarding) {
                discarding = false;
                continue;
            }
            String line;
            if (partialLength == 0) {
                int length = withoutCr(in, start, lf - start);
                if (length > maxLine) {
                    sink.tooLong();
                    continue;
                }
                line = utf8(in, start, length);
            } else {
                if (!buffer(in, start, lf - start, sink)) {
                    discarding = false;
                    continue;
                }
                int length = partialLength;
                if (partial[length - 1] == '\r') {
                    length--;
                }
                partialLength = 0;
                if (length > maxLine) {
                    sink.tooLong();
                    shrink();
                    continue;
                }
                line = new String(partial, 0, length, StandardCharsets.UTF_8);
                shrink();
            }
            if (!sink.line(line)) {
                return;
            }
        }
    }

    /** Whether nothing is buffered: no line begun and not ended, none being discarded. */
    boolean isEmpty() {
        return partialLength == 0 && !discarding;
    }

    /**
     * Decodes with the JDK's decoder on both paths (whole line in one read, or pieced together),
     * so where a read happens to end never changes how invalid bytes are replaced: Netty's decoder
     * for direct buffers replaces some malformed sequences differently.
     */
    private static String utf8(ByteBuf in, int start, int length) {
        if (in.hasArray()) {
            return new String(in.array(), in.arrayOffset() + start, length, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[length];
        in.getBytes(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int withoutCr(ByteBuf in, int start, int length) {
        return length > 0 && in.getByte(start + length - 1) == '\r' ? length - 1 : length;
    }

    /**
     * Appends bytes of an unfinished line; past the limit (plus one byte, the CR that may precede
     * the LF still to come) the line is dropped and reported.
     *
     * @return false if the line is now being discarded
     */
    private boolean buffer(ByteBuf in, int start, int length, Sink sink) {
        if (discarding) {
            return false;
        }
        if ((long) partialLength + length > maxLine + 1L) {
            partialLength = 0;
            shrink();
            discarding = true;
            sink.tooLong();
            return false;
        }
        int needed = partialLength + length;
        if (needed > partial.length) {
            int capacity = Math.min(maxLine + 1, Math.max(needed, Math.max(FIRST_CAPACITY, partial.length * 2)));
            if (!budget.reserve(capacity - partial.length)) {
                partialLength = 0;
                shrink();
                discarding = true;
                sink.noRoom();
                return false;
            }
            partial = Arrays.copyOf(partial, capacity);
        }
        in.getBytes(start, partial, partialLength, length);
        partialLength = needed;
        return true;
    }

    /**
     * The line ended or was dropped: its array goes back to the budget. Not kept for the next line
     * in pieces: every connection that once sent one would hold it, counted, for good.
     */
    private void shrink() {
        budget.release(partial.length);
        partial = EMPTY;
    }

    /** The connection closed: gives back what an unfinished line held. */
    void release() {
        partialLength = 0;
        discarding = false;
        shrink();
    }
}
