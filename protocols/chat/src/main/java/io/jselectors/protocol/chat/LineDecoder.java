package io.jselectors.protocol.chat;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into UTF-8 lines ended by LF or CRLF, across reads: a line may arrive in
 * many pieces and one read may hold many lines. Lines longer than the limit are discarded up to
 * the next LF and reported once; invalid UTF-8 becomes U+FFFD. Confined to one connection's loop.
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
    }

    private static final byte[] EMPTY = new byte[0];

    /** A partial line that grew past this is not kept for the next one. */
    private static final int KEEP_CAPACITY = 1024;

    private final int maxLine;
    private byte[] partial = EMPTY;
    private int partialLength;
    private boolean discarding;

    LineDecoder(int maxLine) {
        this.maxLine = maxLine;
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
            partial = Arrays.copyOf(partial, Math.min(maxLine + 1, Math.max(needed, Math.max(64, partial.length * 2))));
        }
        in.getBytes(start, partial, partialLength, length);
        partialLength = needed;
        return true;
    }

    private void shrink() {
        if (partial.length > KEEP_CAPACITY) {
            partial = EMPTY;
        }
    }
}
