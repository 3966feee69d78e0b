package io.jselectors.protocol.http.codec;

/**
 * The fixed parts of the first line of a message (RFC 9112 sections 2.3, 3 and 4): the version of
 * a request line, and the version and status code of a status line. Lines are given without their
 * line ending; nothing allocates.
 */
public final class StartLine {

    /** {@code "HTTP/1.x 200"}: the shortest status line, without a reason phrase. */
    private static final int SHORTEST_STATUS_LINE = 12;
    /** {@code "HTTP/1.1"}: the length of a version. */
    private static final int VERSION_LENGTH = 8;

    /** What every request line's version begins with, as bytes (compared without a string). */
    private static final byte[] HTTP_SLASH = {'H', 'T', 'T', 'P', '/'};

    private StartLine() {}

    /**
     * The version at the end of a request line, {@code bytes[from, end)}: 10 for HTTP/1.0, 11 for
     * HTTP/1.1 and any later HTTP/1.x (RFC 9110 section 2.5: a request of a higher minor version is
     * handled as the highest one supported), -505 (HTTP Version Not Supported) for another major
     * version, or -400 when it is not {@code HTTP/DIGIT.DIGIT}.
     */
    public static int requestVersion(byte[] bytes, int from, int end) {
        if (end - from != VERSION_LENGTH || !HttpSyntax.sameBytes(bytes, from, HTTP_SLASH.length, HTTP_SLASH) || bytes[from + 6] != '.') {
            return -400;
        }
        byte major = bytes[from + 5];
        byte minor = bytes[from + 7];
        if (!isDigit(major) || !isDigit(minor)) {
            return -400;
        }
        if (major != '1') {
            return -505;
        }
        return minor == '0' ? 10 : 11;
    }

    /**
     * The status code of the status line {@code bytes[from, end)}, or -1 when the line is not
     * {@code HTTP/1.DIGIT SP 3DIGIT [SP reason]} with a code from 100 to 999. The reason phrase,
     * if any, starts at {@code from + 13}.
     */
    public static int statusCode(byte[] bytes, int from, int end) {
        if (end - from < SHORTEST_STATUS_LINE || !HttpSyntax.sameAscii(bytes, from, 7, "HTTP/1.", false)
                || !isDigit(bytes[from + 7]) || bytes[from + 8] != ' '
                || !isDigit(bytes[from + 9]) || bytes[from + 9] == '0' || !isDigit(bytes[from + 10]) || !isDigit(bytes[from + 11])
                || (end - from > SHORTEST_STATUS_LINE && bytes[from + SHORTEST_STATUS_LINE] != ' ')) {
            return -1;
        }
        return (bytes[from + 9] - '0') * 100 + (bytes[from + 10] - '0') * 10 + (bytes[from + 11] - '0');
    }

    /** The minor version of a status line {@link #statusCode} accepted: 0 or 1 (or another digit). */
    public static int statusMinorVersion(byte[] bytes, int from) {
        return bytes[from + 7] - '0';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
