package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpLimits.BODY_PREALLOCATION;
import static io.jselectors.protocol.http.HttpLimits.MAX_CHUNK_LINE;
import static io.jselectors.protocol.http.HttpLimits.MAX_EMPTY_LINES;
import static io.jselectors.protocol.http.HttpLimits.MAX_HEADER_BYTES;
import static io.jselectors.protocol.http.HttpLimits.MAX_HEADER_COUNT;
import static io.jselectors.protocol.http.HttpLimits.MAX_REQUEST_LINE;

import io.jselectors.protocol.http.codec.ChunkedDecoder;
import io.jselectors.protocol.http.codec.HttpSyntax;
import io.jselectors.protocol.http.codec.LineScanner;
import io.jselectors.protocol.http.codec.StartLine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * Parses requests incrementally, straight from the connection's input buffer: any split of the
 * bytes, down to one byte per read, gives the same result, and a partial line is searched only
 * from where the previous search stopped.
 *
 * <p>Strict where leniency would let two parsers disagree on where a request ends (request
 * smuggling): lines end with CRLF (no bare LF, no CR elsewhere), no whitespace before a field's
 * colon, no obs-fold, Content-Length with Transfer-Encoding is refused, differing Content-Length
 * values are refused, and the only transfer coding is {@code chunked}, once and last.
 */
final class RequestDecoder extends RequestHead {

    /** {@link #decode} results. */
    static final int NEED_MORE = 0;
    /** The header section is complete and a body follows: time for {@code 100 Continue}. */
    static final int HEADERS_DONE = 1;
    /** A whole request (with its body) is in {@link #request()}. */
    static final int REQUEST_DONE = 2;
    /** The input is refused: see {@link #errorStatus()}; the connection must close. */
    static final int ERROR = 3;

    private enum State { REQUEST_LINE, HEADERS, BODY, CHUNKED, FAILED }

    private static final byte CR = '\r';

    /** First capacity of a chunked body's buffer: it grows with the chunks, never reserved for announced sizes. */
    private static final int CHUNKED_BODY_START = 8192;

    private final HttpRequest request = new HttpRequest();
    private final ByteBufAllocator alloc;
    private final long maxBody;

    private State state = State.REQUEST_LINE;
    private final LineScanner lines = new LineScanner();
    private int headerBytes;
    private int headerCount;
    /** Empty lines consumed before the current request line; any makes a request attempt begun. */
    private int emptyLines;
    /** Body bytes of the current request taken from the input so far. */
    private long bodyReceived;
    private long remaining;
    /** Made at the first chunked request of the connection: most connections never send one. */
    private ChunkedDecoder chunked;
    private ByteBuf body;
    private int errorStatus;
    /** The last target seen, reused while clients repeat it (a benchmark loop, a health check). */
    private String lastTarget;
    /**
     * {@link #lastTarget}'s bytes (the first {@link #lastTargetLength}), compared with the next
     * target without reading a string; {@code null} until a target arrives, then as long as the
     * longest one (an idle connection holds none).
     */
    private byte[] lastTargetBytes;
    private int lastTargetLength = -1;
    /** The last target {@link #startRequest} accepted, and its path and query: the split is a function of the target. */
    private String splitTarget;
    private String splitPath;
    private String splitQuery;
    private String method;

    RequestDecoder(ByteBufAllocator alloc, long maxBody) {
        this.alloc = alloc;
        this.maxBody = maxBody;
    }

    HttpRequest request() {
        return request;
    }

    /** What the header section said about framing and persistence. */
    RequestHead head() {
        return this; // the fields are inherited: one object fewer per request
    }

    /** The status to answer with after {@link #ERROR}. */
    int errorStatus() {
        return errorStatus;
    }

    /** The method of the request being parsed, once its request line is; else {@code null}. */
    String method() {
        return state == State.REQUEST_LINE ? null : method;
    }

    /**
     * Whether a request has begun and its header section is not complete yet. An empty line before
     * a request line begins one: the header timer must run from it, or a CRLF drip would never end.
     */
    boolean inHead(ByteBuf in) {
        return state == State.HEADERS
                || (state == State.REQUEST_LINE && (emptyLines > 0 || (in != null && in.isReadable())));
    }

    /** Whether the head is complete and the body is being read. */
    boolean inBody() {
        return state == State.BODY || state == State.CHUNKED;
    }

    /** Body bytes of the current request taken from the input so far. */
    long bodyReceived() {
        return bodyReceived;
    }

    /** Whether nothing of a next request has been consumed. */
    boolean betweenRequests() {
        return state == State.REQUEST_LINE && emptyLines == 0;
    }

    /** Consumes from {@code in} until one of the results; {@link #NEED_MORE} means all of it is used or buffered. */
    int decode(ByteBuf in) {
        long address = LineScanner.addressOf(in); // once per call: in does not move while it runs
        while (true) {
            int result = switch (state) {
                case REQUEST_LINE -> requestLine(in, address);
                case HEADERS -> headerLine(in, address);
                case BODY -> fixedBody(in);
                case CHUNKED -> chunkedBody(in);
                case FAILED -> ERROR;
            };
            if (result != -1) {
                return result;
            }
        }
    }

    /** Releases the body being collected, if any. */
    void release() {
        if (body != null) {
            body.release();
            body = null;
        }
        request.clear();
    }

    // Each step returns a result, or -1 to go on with the next state.

    private int requestLine(ByteBuf in, long address) {
        int start = in.readerIndex();
        int lf = findLf(in, address, MAX_REQUEST_LINE);
        if (lf < 0) {
            return in.readableBytes() > MAX_REQUEST_LINE ? fail(414) : NEED_MORE;
        }
        int length = lf - start + 1;
        if (length > MAX_REQUEST_LINE) {
            return fail(414);
        }
        if (length < 2 || lines.line()[length - 2] != CR) { // the copy: no second read of the buffer
            return fail(400);
        }
        in.readerIndex(lf + 1);
        if (length == 2) {
            // RFC 9112 section 2.2: empty lines before a request line are ignored, a few of them.
            return ++emptyLines > MAX_EMPTY_LINES ? fail(400) : -1;
        }
        int end = length - 2;
        byte[] bytes = lines.line();
        int sp1 = HttpSyntax.tokenEnd(bytes, 0, end);
        if (sp1 == 0 || sp1 == end || bytes[sp1] != ' ') {
            return fail(400);
        }
        int sp2 = HttpSyntax.targetEnd(bytes, sp1 + 1, end);
        if (sp2 == sp1 + 1 || sp2 == end || bytes[sp2] != ' ') {
            return fail(400);
        }
        String method = HttpSyntax.method(bytes, 0, sp1);
        String target = target(bytes, sp1 + 1, sp2 - sp1 - 1);
        int version = StartLine.requestVersion(bytes, sp2 + 1, end);
        if (version < 0) {
            return fail(-version);
        }
        if (!startRequest(method, target, version)) {
            return fail(400);
        }
        state = State.HEADERS;
        headerBytes = 0;
        headerCount = 0;
        emptyLines = 0;
        bodyReceived = 0;
        return -1;
    }

    private boolean startRequest(String method, String target, int version) {
        if (target == splitTarget) {
            return begin(method, target, splitPath, splitQuery, version);
        }
        String path;
        if (target.charAt(0) == '/') {
            path = target;
        } else if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            path = slash < 0 ? "/" : target.substring(slash);
        } else if (target.equals("*") && method.equals("OPTIONS")) {
            path = target;
        } else {
            return false;
        }
        String query = null;
        int question = path.indexOf('?');
        if (question >= 0) {
            query = path.substring(question + 1);
            path = path.substring(0, question);
        }
        int hash = path.indexOf('#');
        if (hash >= 0) {
            return false; // a fragment is never sent (RFC 9110 section 7.1)
        }
        if (!target.equals("*")) { // "*" is valid only with OPTIONS: not a function of the target alone
            splitTarget = target;
            splitPath = path;
            splitQuery = query;
        }
        return begin(method, target, path, query, version);
    }

    private boolean begin(String method, String target, String path, String query, int version) {
        request.start(method, target, path, query, version);
        this.method = method;
        reset();
        return true;
    }

    private String target(byte[] bytes, int from, int length) {
        if (length != lastTargetLength || Arrays.mismatch(bytes, from, from + length, lastTargetBytes, 0, length) >= 0) {
            lastTarget = HttpSyntax.latin1(bytes, from, length);
            if (lastTargetBytes == null || lastTargetBytes.length < length) {
                lastTargetBytes = new byte[length]; // bounded by MAX_REQUEST_LINE
            }
            System.arraycopy(bytes, from, lastTargetBytes, 0, length);
            lastTargetLength = length;
        }
        return lastTarget;
    }


    private int headerLine(ByteBuf in, long address) {
        int start = in.readerIndex();
        int lf = findLf(in, address, MAX_HEADER_BYTES - headerBytes);
        if (lf < 0) {
            return headerBytes + in.readableBytes() > MAX_HEADER_BYTES ? fail(431) : NEED_MORE;
        }
        int length = lf - start + 1;
        headerBytes += length;
        if (headerBytes > MAX_HEADER_BYTES) {
            return fail(431);
        }
        if (length < 2 || lines.line()[length - 2] != CR) { // the copy: no second read of the buffer
            return fail(400);
        }
        in.readerIndex(lf + 1);
        if (length == 2) {
            return endOfHead();
        }
        if (++headerCount > MAX_HEADER_COUNT) {
            return fail(431);
        }
        int end = length - 2;
        byte[] bytes = lines.line();
        // Also refuses obs-fold (a line starting with whitespace) and whitespace before the colon.
        int colon = HttpSyntax.fieldColon(bytes, 0, end);
        if (colon < 0) {
            return fail(400);
        }
        if (!HttpSyntax.isFieldValue(bytes, colon + 1, end)) {
            return fail(400); // a bare CR, NUL or other control character
        }
        int valueStart = HttpSyntax.skipWhitespace(bytes, colon + 1, end);
        int valueEnd = HttpSyntax.trimWhitespace(bytes, valueStart, end);
        int field = request.addField(bytes, 0, colon, valueStart, valueEnd - valueStart);
        int status = field(request, field);
        return status != 0 ? fail(status) : -1;
    }

    private int endOfHead() {
        int status = complete(request.version(), maxBody);
        if (status != 0) {
            return fail(status);
        }
        if (chunked()) {
            if (chunked == null) {
                chunked = new ChunkedDecoder(maxBody, MAX_CHUNK_LINE, MAX_HEADER_BYTES, MAX_HEADER_COUNT);
            } else {
                chunked.reset();
            }
            state = State.CHUNKED;
            return HEADERS_DONE;
        }
        if (contentLength() > 0) {
            remaining = contentLength();
            // Memory follows the bytes that arrive: a small start, growing up to the declared length.
            body = alloc.buffer((int) Math.min(remaining, BODY_PREALLOCATION), (int) remaining);
            state = State.BODY;
            return HEADERS_DONE;
        }
        return finish();
    }

    private int fixedBody(ByteBuf in) {
        int n = (int) Math.min(remaining, in.readableBytes());
        body.writeBytes(in, n);
        remaining -= n;
        bodyReceived += n;
        return remaining == 0 ? finish() : NEED_MORE;
    }

    private int chunkedBody(ByteBuf in) {
        while (true) {
            int n = chunked.next(in);
            if (n > 0) {
                if (body == null) {
                    body = alloc.buffer((int) Math.min(n + chunked.chunkRemaining(), CHUNKED_BODY_START));
                }
                body.writeBytes(in, n);
                bodyReceived += n;
                continue;
            }
            return switch (n) {
                case ChunkedDecoder.NEED_MORE -> NEED_MORE;
                case ChunkedDecoder.DONE -> finish();
                case ChunkedDecoder.TOO_LARGE -> fail(413);
                case ChunkedDecoder.TRAILERS_TOO_LARGE -> fail(431);
                default -> fail(400);
            };
        }
    }

    private int finish() {
        if (body != null) {
            request.body(body);
            body = null;
        }
        state = State.REQUEST_LINE;
        return REQUEST_DONE;
    }

    private int fail(int status) {
        if (state == State.REQUEST_LINE) {
            method = null;
        }
        errorStatus = status;
        state = State.FAILED;
        return ERROR;
    }

    /** Index of the LF ending the line at the reader index, or -1; the line is then in {@link #lines}. */
    private int findLf(ByteBuf in, long address, int limit) {
        int lf = lines.find(in, address, limit);
        if (lf >= 0) {
            lines.next(); // the caller consumes the line now (or fails the request)
        }
        return lf;
    }
}
