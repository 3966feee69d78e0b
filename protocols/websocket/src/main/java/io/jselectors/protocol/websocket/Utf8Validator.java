package io.jselectors.protocol.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Checks UTF-8 (RFC 3629) incrementally, so a text message can be checked frame by frame, and a
 * sequence split across fragments or reads is judged once its last byte arrives. Rejects overlong
 * forms, surrogates (U+D800-U+DFFF) and code points above U+10FFFF at the first byte that makes the
 * input invalid, as RFC 6455 section 8.1 asks ("fail the connection" as soon as it is known).
 *
 * <p>Cost: ASCII is checked 8 bytes at a time (one load and one mask test; by address when the
 * buffer has one) until the first non-ASCII byte, then one step per byte; a few comparisons per multi-byte sequence; no allocation.
 */
public final class Utf8Validator {

    private static final int CONT_LOW = 0x80;
    private static final int CONT_HIGH = 0xBF;
    private static final long NON_ASCII_BITS = Masking.NON_ASCII_BITS;

    /** Continuation bytes still expected for the current sequence. */
    private int needed;
    /** Bounds for the next continuation byte (narrower right after E0, ED, F0 and F4). */
    private int low = CONT_LOW;
    private int high = CONT_HIGH;
    private final ByteProcessor step = b -> accept(b & 0xFF);

    /** Forgets any partial sequence (a new message starts). */
    public void reset() {
        needed = 0;
        low = CONT_LOW;
        high = CONT_HIGH;
    }

    /**
     * Checks {@code length} bytes of {@code buf} from {@code index} (within its readable bytes);
     * does not move its indexes.
     *
     * @return false at the first byte that cannot be part of valid UTF-8 (the validator is then
     *     in an unspecified state until {@link #reset()})
     */
    public boolean update(ByteBuf buf, int index, int length) {
        int i = index;
        int end = index + length;
        if (needed == 0) {
            i += buf.hasMemoryAddress() ? asciiWordsAt(buf.memoryAddress() + index, length) : asciiWords(buf, index, length);
        }
        return i == end || buf.forEachByte(i, end - i, step) == -1;
    }

    /** How many of {@code length} bytes at {@code at} are ASCII, counted in whole words from the start. */
    private static int asciiWordsAt(long at, int length) {
        int i = 0;
        // SAFETY: [at, at + length) is the bytes of the caller's buffer from `index` (update's
        // contract: they lie within it, and the caller holds the buffer); words only where all
        // eight bytes lie in that range.
        while (i + Long.BYTES <= length && (Masking.MEMORY.get(Masking.WORD, at + i) & NON_ASCII_BITS) == 0) {
            i += Long.BYTES;
        }
        return i;
    }

    /** {@link #asciiWordsAt} through the buffer's accessors (no memory address). */
    private static int asciiWords(ByteBuf buf, int index, int length) {
        int i = 0;
        while (i + Long.BYTES <= length && (buf.getLong(index + i) & NON_ASCII_BITS) == 0) {
            i += Long.BYTES;
        }
        return i;
    }

    /** Whether the input so far ends on a sequence boundary (no sequence is cut off). */
    public boolean isComplete() {
        return needed == 0;
    }

    private boolean accept(int b) {
        if (needed > 0) {
            if (b < low || b > high) {
                return false;
            }
            needed--;
            low = CONT_LOW;
            high = CONT_HIGH;
            return true;
        }
        if (b < 0x80) {
            return true;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            needed = 1;
        } else if (b == 0xE0) {
            needed = 2;
            low = 0xA0; // below is an overlong 3-byte form
        } else if (b == 0xED) {
            needed = 2;
            high = 0x9F; // above are the surrogates U+D800-U+DFFF
        } else if (b >= 0xE1 && b <= 0xEF) {
            needed = 2;
        } else if (b == 0xF0) {
            needed = 3;
            low = 0x90; // below is an overlong 4-byte form
        } else if (b >= 0xF1 && b <= 0xF3) {
            needed = 3;
        } else if (b == 0xF4) {
            needed = 3;
            high = 0x8F; // above is past U+10FFFF
        } else {
            return false; // a lone continuation byte, C0/C1 (always overlong), or F5-FF
        }
        return true;
    }
}
