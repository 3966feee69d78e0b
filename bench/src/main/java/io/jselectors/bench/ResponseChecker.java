package io.jselectors.bench;

import io.jselectors.protocol.http.codec.ContentLength;
import io.jselectors.protocol.http.codec.HttpSyntax;
import io.jselectors.protocol.http.codec.StartLine;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the responses on one load connection just enough to count and check them: each must be
 * HTTP/1.x, framed by {@code Content-Length}, and when its status is 200 its body must equal the
 * expected one. Incremental (a response may span reads, many may share one) and allocation-free
 * while all is well; the first problem is described in {@link #error()} and ends the connection.
 *
 * <p>Chunked responses are refused: a benchmark route with a fixed body has no reason to send them.
 * The status line and the {@code Content-Length} rules are the HTTP/1 codec's, the same the server
 * and the fetch client apply.
 */
final class ResponseChecker {

    /** Longest response head accepted; a benchmark response's head is a few hundred bytes. */
    static final int MAX_HEAD = 8 * 1024;

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
        int statusEnd = lineEnd(0);
        int status = StartLine.statusCode(head, 0, statusEnd);
        if (status < 0) {
            return fail("not an HTTP/1.x status line: "
                    + new String(head, 0, Math.min(headLength, 40), StandardCharsets.ISO_8859_1).strip());
        }
        long length = ContentLength.NONE;
        for (int line = statusEnd + 2; line < headLength - 2; line = lineEnd(line) + 2) {
            int end = lineEnd(line);
            int colon = HttpSyntax.fieldColon(head, line, end);
            if (colon < 0) {
                return fail("a malformed header line");
            }
            if (HttpSyntax.sameAscii(head, line, colon - line, "Transfer-Encoding", true)) {
                return fail("a response with Transfer-Encoding (only Content-Length framing is supported)");
            }
            if (HttpSyntax.sameAscii(head, line, colon - line, "Content-Length", true)) {
                length = ContentLength.parse(head, colon + 1, end, length);
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

    /** The index of the CR of the line starting at {@code from} (the head is known to end with CRLF CRLF). */
    private int lineEnd(int from) {
        int i = from;
        while (head[i] != '\r' || head[i + 1] != '\n') {
            i++;
        }
        return i;
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
