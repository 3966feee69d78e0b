package io.jselectors.protocol.http.codec;

import java.nio.charset.StandardCharsets;

/**
 * The {@code Content-Length} rules (RFC 9110 section 8.6, RFC 9112 section 6.3), strict because two
 * parsers that disagree on a body's length disagree on where the next message starts (request
 * smuggling, a misframed response): the value is one or more decimal numbers separated by commas
 * (a list of equal values is what a proxy makes of duplicated fields, and is accepted), and
 * anything else is refused: an empty element, a sign, any other byte, or values that differ, also
 * across several {@code Content-Length} fields of one message.
 *
 * {@snippet :
 * long length = ContentLength.NONE;
 * for (String value : values) {
 *     length = ContentLength.parse(value, length);
 *     if (length < ContentLength.NONE) {
 *         // refuse: INVALID, TOO_LARGE or CONFLICT
 *     }
 * }
 * }
 */
public final class ContentLength {

    /** No {@code Content-Length} seen yet: what to pass as {@code previous} for the first field. */
    public static final long NONE = -1;
    /** An element that is not a decimal number (empty, signed, other bytes). */
    public static final long INVALID = -2;
    /** A decimal number of more than {@link #MAX_DIGITS} digits: valid syntax, a length no one can mean. */
    public static final long TOO_LARGE = -3;
    /** Values that differ, within one field or from an earlier field's. */
    public static final long CONFLICT = -4;

    /**
     * Most digits accepted: 18, so that the value fits a {@code long} without overflow checks (an
     * exabyte; every limit a caller applies is far below).
     */
    public static final int MAX_DIGITS = 18;

    private ContentLength() {}

    /**
     * The length given by the value {@code bytes[from, end)} (surrounding whitespace excluded or
     * not), checked against {@code previous} (the length of an earlier field, or {@link #NONE}):
     * the length, or {@link #INVALID}, {@link #TOO_LARGE} or {@link #CONFLICT}. Allocates nothing.
     */
    public static long parse(byte[] bytes, int from, int end, long previous) {
        long length = previous;
        int start = from;
        while (true) {
            int comma = start;
            while (comma < end && bytes[comma] != ',') {
                comma++;
            }
            int first = HttpSyntax.skipWhitespace(bytes, start, comma);
            long n = number(bytes, first, HttpSyntax.trimWhitespace(bytes, first, comma));
            if (n < 0) {
                return n;
            }
            if (length >= 0 && length != n) {
                return CONFLICT;
            }
            length = n;
            if (comma == end) {
                return length;
            }
            start = comma + 1;
        }
    }

    /** {@link #parse(byte[], int, int, long)} of a value already made into a string (ISO-8859-1). */
    public static long parse(String value, long previous) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        return parse(bytes, 0, bytes.length, previous);
    }

    private static long number(byte[] bytes, int from, int end) {
        if (from == end) {
            return INVALID;
        }
        long n = 0;
        for (int i = from; i < end; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return INVALID;
            }
            n = end - from > MAX_DIGITS ? 0 : n * 10 + digit;
        }
        return end - from > MAX_DIGITS ? TOO_LARGE : n;
    }
}
