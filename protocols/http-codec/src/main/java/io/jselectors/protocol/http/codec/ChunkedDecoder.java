package io.jselectors.protocol.http.codec;

import io.netty.buffer.ByteBuf;

/**
 * Frames a chunked body (RFC 9112 section 7.1) incrementally, for either side of a connection:
 * any split of the bytes, down to one per call, gives the same result, and each byte is read from
 * the buffer once. The decoder consumes the framing (chunk-size lines, the CRLF after each chunk,
 * the trailer section) and hands the chunk data to its caller, which takes it from the buffer:
 *
 * {@snippet :
 * while (true) {
 *     int n = chunked.next(in);
 *     if (n > 0) {
 *         body.writeBytes(in, n);         // exactly n bytes: the caller moves the reader index
 *     } else if (n == ChunkedDecoder.DONE) {
 *         break;                          // the body and its trailers are complete
 *     } else if (n == ChunkedDecoder.NEED_MORE) {
 *         return;                         // every byte of in is used; call again with more
 *     } else {
 *         throw new IOException(chunked.error());
 *     }
 * }
 * }
 *
 * <p>Strict both ways, because a chunked body is where leniency misframes the next message: every
 * line ends with CRLF, a chunk size is hex digits (no sign, no leading whitespace) that fit in a
 * {@code long}, a chunk extension is {@code ;} and visible characters, chunk data is followed by
 * CRLF, and trailer fields are well-formed field lines. Trailer fields are checked and counted,
 * never kept. Bytes after the last CRLF are not touched: they are the next message's.
 *
 * <p>One instance per connection, {@link #reset()} per body; not thread-safe. Cost: one {@link
 * LineScanner} (its line buffer grows to the longest line allowed, at most the limits given).
 */
public final class ChunkedDecoder {

    /** {@link #next} result: all the input is used (or buffered); call again with more. */
    public static final int NEED_MORE = -1;
    /** {@link #next} result: the last chunk and the trailer section have been read. */
    public static final int DONE = -2;
    /** {@link #next} result: the framing is wrong; {@link #error()} says how. */
    public static final int MALFORMED = -3;
    /** {@link #next} result: the chunk sizes add up to more than the body limit (HTTP 413). */
    public static final int TOO_LARGE = -4;
    /** {@link #next} result: the trailer section is over its byte or field limit (HTTP 431). */
    public static final int TRAILERS_TOO_LARGE = -5;

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private enum State { SIZE, DATA, DATA_END, TRAILERS, DONE, FAILED }

    private final long maxBody;
    private final int maxSizeLine;
    private final int maxTrailerBytes;
    private final int maxTrailerCount;
    private final LineScanner lines = new LineScanner();

    private State state = State.SIZE;
    private long remaining;
    private long bodyBytes;
    private int trailerBytes;
    private int trailerCount;
    private int failure;
    private String error;

    /**
     * A decoder for bodies of at most {@code maxBody} bytes, chunk-size lines of at most {@code
     * maxSizeLine} bytes (CRLF and extensions included), and trailer sections of at most {@code
     * maxTrailerBytes} bytes in {@code maxTrailerCount} fields.
     */
    public ChunkedDecoder(long maxBody, int maxSizeLine, int maxTrailerBytes, int maxTrailerCount) {
        if (maxBody < 0 || maxSizeLine < 3 || maxTrailerBytes < 2 || maxTrailerCount < 0) {
            throw new IllegalArgumentException("chunked decoder limits out of range");
        }
        this.maxBody = maxBody;
        this.maxSizeLine = maxSizeLine;
        this.maxTrailerBytes = maxTrailerBytes;
        this.maxTrailerCount = maxTrailerCount;
    }

    /** Makes the decoder ready for the next chunked body. */
    public void reset() {
        state = State.SIZE;
        lines.next();
        remaining = 0;
        bodyBytes = 0;
        trailerBytes = 0;
        trailerCount = 0;
        failure = 0;
        error = null;
    }

    /**
     * Consumes framing from {@code in} and returns either a positive number of chunk-data bytes now
     * at {@code in}'s reader index, which the caller must take (advance the reader index past) before
     * the next call, or one of {@link #NEED_MORE}, {@link #DONE}, {@link #MALFORMED}, {@link
     * #TOO_LARGE}, {@link #TRAILERS_TOO_LARGE}. Once failed or done, it returns that again until
     * {@link #reset()}.
     */
    public int next(ByteBuf in) {
        while (true) {
            int result = switch (state) {
                case SIZE -> sizeLine(in);
                case DATA -> data(in);
                case DATA_END -> dataEnd(in);
                case TRAILERS -> trailerLine(in);
                case DONE -> DONE;
                case FAILED -> failure;
            };
            if (result != 0) {
                return result;
            }
        }
    }

    /** The body bytes announced by the chunk sizes read so far. */
    public long bodyBytes() {
        return bodyBytes;
    }

    /** Bytes of the current chunk not handed out yet (0 outside chunk data). */
    public long chunkRemaining() {
        return state == State.DATA ? remaining : 0;
    }

    /** What was wrong after {@link #MALFORMED}, {@link #TOO_LARGE} or {@link #TRAILERS_TOO_LARGE}; else {@code null}. */
    public String error() {
        return error;
    }

    // Each step returns a result, or 0 to go on with the next state.

    private int sizeLine(ByteBuf in) {
        int start = in.readerIndex();
        int lf = lines.find(in, maxSizeLine);
        if (lf < 0) {
            return in.readableBytes() > maxSizeLine ? fail(MALFORMED, "a chunk-size line longer than " + maxSizeLine + " bytes") : NEED_MORE;
        }
        lines.next();
        if (lf - start + 1 > maxSizeLine) {
            return fail(MALFORMED, "a chunk-size line longer than " + maxSizeLine + " bytes");
        }
        if (lf == start || in.getByte(lf - 1) != CR) {
            return fail(MALFORMED, "a chunk-size line not ended by CRLF");
        }
        in.readerIndex(lf + 1);
        int end = lf - 1 - start;
        byte[] bytes = lines.line();
        long size = 0;
        int i = 0;
        for (; i < end; i++) {
            int digit = Character.digit(bytes[i], 16);
            if (digit < 0) {
                break;
            }
            if (size > (Long.MAX_VALUE >> 4)) {
                return fail(MALFORMED, "invalid chunk size \"" + HttpSyntax.latin1(bytes, 0, i) + "...\"");
            }
            size = size << 4 | digit;
            if (size > maxBody - bodyBytes) {
                return fail(TOO_LARGE, "a chunked body over " + maxBody + " bytes");
            }
        }
        if (i == 0 || !extensions(bytes, i, end)) {
            return fail(MALFORMED, "invalid chunk size \"" + HttpSyntax.latin1(bytes, 0, Math.min(end, 40)) + "\"");
        }
        if (size == 0) {
            state = State.TRAILERS;
            return 0;
        }
        remaining = size;
        bodyBytes += size;
        state = State.DATA;
        return 0;
    }

    /** {@code *( BWS ";" ... )}: whitespace, then nothing or a {@code ;} and visible characters. */
    private static boolean extensions(byte[] bytes, int from, int end) {
        int i = HttpSyntax.skipWhitespace(bytes, from, end);
        return i == end || (bytes[i] == ';' && HttpSyntax.isFieldValue(bytes, i, end));
    }

    private int data(ByteBuf in) {
        int n = (int) Math.min(remaining, in.readableBytes());
        if (n == 0) {
            return NEED_MORE;
        }
        remaining -= n;
        if (remaining == 0) {
            state = State.DATA_END;
        }
        return n;
    }

    private int dataEnd(ByteBuf in) {
        int at = in.readerIndex();
        if (in.readableBytes() < 2) {
            return in.isReadable() && in.getByte(at) != CR ? fail(MALFORMED, "chunk data is not followed by CRLF") : NEED_MORE;
        }
        if (in.getByte(at) != CR || in.getByte(at + 1) != LF) {
            return fail(MALFORMED, "chunk data is not followed by CRLF");
        }
        in.readerIndex(at + 2);
        state = State.SIZE;
        return 0;
    }

    private int trailerLine(ByteBuf in) {
        int start = in.readerIndex();
        int lf = lines.find(in, maxTrailerBytes - trailerBytes);
        if (lf < 0) {
            return trailerBytes + in.readableBytes() > maxTrailerBytes ? trailersTooLarge() : NEED_MORE;
        }
        lines.next();
        int length = lf - start + 1;
        trailerBytes += length;
        if (trailerBytes > maxTrailerBytes) {
            return trailersTooLarge();
        }
        if (length < 2 || in.getByte(lf - 1) != CR) {
            return fail(MALFORMED, "a trailer line not ended by CRLF");
        }
        in.readerIndex(lf + 1);
        if (length == 2) {
            state = State.DONE;
            return DONE;
        }
        if (++trailerCount > maxTrailerCount) {
            return fail(TRAILERS_TOO_LARGE, "more than " + maxTrailerCount + " trailer fields");
        }
        int end = length - 2;
        byte[] bytes = lines.line();
        if (HttpSyntax.fieldColon(bytes, 0, end) < 0 || !HttpSyntax.isFieldValue(bytes, 0, end)) {
            return fail(MALFORMED, "a malformed trailer field");
        }
        return 0;
    }

    private int trailersTooLarge() {
        return fail(TRAILERS_TOO_LARGE, "a trailer section over " + maxTrailerBytes + " bytes");
    }

    private int fail(int result, String why) {
        state = State.FAILED;
        failure = result;
        error = why;
        return result;
    }
}
