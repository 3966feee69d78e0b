package io.jselectors.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the responses on one load connection just enough to count and check them: each must be
 * HTTP/1.x, framed by {@code Content-Length}, and when its status is 200 its body must equal the
 * expected one. Incremental (a response may span reads, many may share one) and allocation-free
 * while all is well; the first problem is described in {@link #error()} and ends the connection.
 *
 * <p>Chunked responses are refused: a benchmark route with a fixed body has no reason to send them,
 * and counting them correctly would need the full parser.
 */
final class ResponseChecker {

    /** Longest response head accepted; a benchmark response's head is a few hundred bytes. */
    static final int MAX_HEAD = 8 * 1024;

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);

    private final byte[] expected;
    private final byte[] head = new byte[MAX_HEAD];
    private int headLength;
    /** Progress through CR LF CR LF: 0 to 4. */
    private int endOfHead;
    private boolean inBody;
    private boolean checkBody;
    private long bodyRemaining;
    private int bodyPosition;
    private long responses;
    private long non200;
    private boolean mismatch;
    private String error;

    /** A checker that wants {@code expected} as every 200 response's body ({@code null}: any body). */
    ResponseChecker(byte[] expected) {
        this.expected = expected;
    }

    /**
     * Consumes {@code len} bytes of the stream. Returns {@code false} once the stream is wrong
     * ({@link #error()} says how); nothing more should be fed then.
     */
    boolean consume(byte[] b, int off, int len) {
        int end = off + len;
        while (off < end) {
            if (inBody) {
                int n = (int) Math.min(bodyRemaining, end - off);
                if (checkBody && Arrays.mismatch(b, off, off + n, expected, bodyPosition, bodyPosition + n) != -1) {
                    mismatch = true;
                    return fail("the body differs from the expected one within its bytes " + bodyPosition + ".."
                            + (bodyPosition + n));
                }
                off += n;
                bodyPosition += n;
                bodyRemaining -= n;
                if (bodyRemaining == 0) {
                    responseDone();
                }
                continue;
            }
            byte c = b[off++];
            if (headLength == MAX_HEAD) {
                return fail("a response head longer than " + MAX_HEAD + " bytes");
            }
            head[headLength++] = c;
            endOfHead = c == '\r' ? (endOfHead == 2 ? 3 : 1) : c == '\n' ? (endOfHead == 1 ? 2 : endOfHead == 3 ? 4 : 0) : 0;
            if (endOfHead == 4 && !headDone()) {
                return false;
            }
        }
        return true;
    }

    private boolean headDone() {
        if (headLength < 12 || !startsWith(0, "HTTP/1.") || head[8] != ' ' || !digit(9) || !digit(10) || !digit(11)) {
            return fail("not an HTTP/1.x status line: "
                    + new String(head, 0, Math.min(headLength, 40), StandardCharsets.ISO_8859_1).strip());
        }
        int status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        long length = -1;
        for (int line = nextLine(0); line < headLength - 2; line = nextLine(line)) {
            if (startsWithIgnoreCase(line, TRANSFER_ENCODING)) {
                return fail("a response with Transfer-Encoding (only Content-Length framing is supported)");
            }
            if (startsWithIgnoreCase(line, CONTENT_LENGTH)) {
                length = parseLength(line + CONTENT_LENGTH.length);
                if (length < 0) {
                    return fail("an invalid Content-Length");
                }
            }
        }
        if (length < 0) {
            return fail("a response without Content-Length (status " + status + ")");
        }
        if (status != 200) {
            non200++;
        } else if (expected != null && length != expected.length) {
            mismatch = true;
            return fail("a body of " + length + " bytes where " + expected.length + " were expected");
        }
        checkBody = status == 200 && expected != null;
        headLength = 0;
        endOfHead = 0;
        bodyRemaining = length;
        bodyPosition = 0;
        inBody = length > 0;
        if (!inBody) {
            responseDone();
        }
        return true;
    }

    private void responseDone() {
        responses++;
        inBody = false;
    }

    private int nextLine(int from) {
        int i = from;
        while (i < headLength && head[i] != '\n') {
            i++;
        }
        return i + 1;
    }

    private long parseLength(int from) {
        int i = from;
        while (i < headLength && (head[i] == ' ' || head[i] == '\t')) {
            i++;
        }
        long n = 0;
        int digits = 0;
        while (i < headLength && head[i] >= '0' && head[i] <= '9' && digits < 18) {
            n = n * 10 + (head[i++] - '0');
            digits++;
        }
        while (i < headLength && (head[i] == ' ' || head[i] == '\t')) {
            i++;
        }
        return digits > 0 && i < headLength && (head[i] == '\r' || head[i] == '\n') ? n : -1;
    }

    private boolean startsWith(int at, String prefix) {
        for (int k = 0; k < prefix.length(); k++) {
            if (at + k >= headLength || head[at + k] != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private boolean startsWithIgnoreCase(int at, byte[] lowerPrefix) {
        if (at + lowerPrefix.length > headLength) {
            return false;
        }
        for (int k = 0; k < lowerPrefix.length; k++) {
            int c = head[at + k];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lowerPrefix[k]) {
                return false;
            }
        }
        return true;
    }

    private boolean digit(int at) {
        return head[at] >= '0' && head[at] <= '9';
    }

    private boolean fail(String why) {
        error = why;
        return false;
    }

    /** Complete responses seen. */
    long responses() {
        return responses;
    }

    /** Complete responses whose status was not 200. */
    long non200() {
        return non200;
    }

    /** The stream went wrong because a body was not the expected one. */
    boolean mismatch() {
        return mismatch;
    }

    /** What was wrong, or {@code null}. */
    String error() {
        return error;
    }
}
