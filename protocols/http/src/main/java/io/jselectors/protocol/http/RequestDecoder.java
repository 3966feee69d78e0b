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
import io.netty.util.ByteProcessor;
import java.util.Arrays;

/**
 * Parses requests incrementally, straight from the connection's input buffer: any split of the
 * bytes, down to one byte per read, gives the same result, and a partial line is searched only
 * from where the previous search stopped.
 *
 * <p>Each line is found and copied in one pass over the input (eight bytes at a time from a buffer
 * with a memory address, the server's pooled direct buffers, by {@link LineScanner#copyToLineFeed}):
 * the request line into this decoder's line array, a field line straight into the
 * {@link HttpRequest}'s field bytes, where the route
 * reads it, so a field is copied once and never through a line buffer (bench/PROFILE.md, tenth
 * pass). The lines are then checked with plain array scans. A line split across reads stays where
 * it was copied, and the next search goes on after it.
 *
 * <p>Strict where leniency would let two parsers disagree on where a request ends (request
 * smuggling): lines end with CRLF (no bare LF, no CR elsewhere), no whitespace before a field's
 * colon, no obs-fold, Content-Length with Transfer-Encoding is refused, differing Content-Length
 * values are refused, and the only transfer coding is {@code chunked}, once and last.
 */
final class RequestDecoder extends RequestHead implements ByteProcessor {

    /** {@link #decode} results. */
    static final int NEED_MORE = 0;
    /** The header section is complete and a body follows: time for {@code 100 Continue}. */
    static final int HEADERS_DONE = 1;
    /** A whole request (with its body) is in {@link #request()}. */
    static final int REQUEST_DONE = 2;
    /** The input is refused: see {@link #errorStatus()}; the connection must close. */
    static final int ERROR = 3;

    // The parser's states: ints, so that decode's switch is one table jump (an enum's switch also
    // loads the enum's ordinal and a synthetic map array, each time round, four times a request).
    private static final int REQUEST_LINE = 0;
    private static final int HEADERS = 1;
    private static final int BODY = 2;
    private static final int CHUNKED = 3;
    private static final int FAILED = 4;

    private static final byte CR = '\r';

    /** First capacity of a chunked body's buffer: it grows with the chunks, never reserved for announced sizes. */
    private static final int CHUNKED_BODY_START = 8192;

    private final HttpRequest request = new HttpRequest();
    private final ByteBufAllocator alloc;
    private final long maxBody;

    private int state = REQUEST_LINE;
    /**
     * Bytes of the current line (from the reader index) already searched for its LF and copied:
     * relative to the reader index, so it survives the handler moving its input (discarding read bytes).
     */
    private int scanned;
    /**
     * Offset in the current line of its first byte below SP or equal to DEL, as the search saw it
     * ({@link #NO_CONTROL} if none yet): a field line whose first such byte is its CR holds none in
     * its value, which then needs no second pass to be checked.
     */
    private int firstControl;
    /**
     * The request line being found, from index 0; made at the first one, grown to the longest (at
     * most the limit). Not a {@link LineScanner}: that would be one more object per connection.
     */
    private byte[] line;
    /** Where {@link #process} copies to, for a buffer without a memory address. */
    private byte[] processTo;
    private int processAt;
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
        return state == REQUEST_LINE ? null : method;
    }

    /**
     * Whether a request has begun and its header section is not complete yet. An empty line before
     * a request line begins one: the header timer must run from it, or a CRLF drip would never end.
     */
    boolean inHead(ByteBuf in) {
        return state == HEADERS
                || (state == REQUEST_LINE && (emptyLines > 0 || (in != null && in.isReadable())));
    }

    /** Whether the head is complete and the body is being read. */
    boolean inBody() {
        return state == BODY || state == CHUNKED;
    }

    /** Body bytes of the current request taken from the input so far. */
    long bodyReceived() {
        return bodyReceived;
    }

    /** Whether nothing of a next request has been consumed. */
    boolean betweenRequests() {
        return state == REQUEST_LINE && emptyLines == 0;
    }

    /** Consumes from {@code in} until one of the results; {@link #NEED_MORE} means all of it is used or buffered. */
    int decode(ByteBuf in) {
        // Once per call: a pooled buffer's address is a reference-count check and a few dependent
        // loads away, and in does not move while decode runs.
        long address = LineScanner.addressOf(in);
        while (true) {
            int result = switch (state) {
                case REQUEST_LINE -> requestLine(in, address);
                case HEADERS -> headerLine(in, address);
                case BODY -> fixedBody(in);
                case CHUNKED -> chunkedBody(in);
                case FAILED -> ERROR;
                default -> throw new IllegalStateException("state " + state);
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
        int lf = lineEnd(in, address, MAX_REQUEST_LINE, true);
        if (lf < 0) {
            return in.readableBytes() > MAX_REQUEST_LINE ? fail(414) : NEED_MORE;
        }
        int length = lf - start + 1;
        if (length > MAX_REQUEST_LINE) {
            return fail(414);
        }
        byte[] bytes = line;
        if (length < 2 || bytes[length - 2] != CR) { // the copy: no second read of the buffer
            return fail(400);
        }
        in.readerIndex(lf + 1);
        if (length == 2) {
            // RFC 9112 section 2.2: empty lines before a request line are ignored, a few of them.
            return ++emptyLines > MAX_EMPTY_LINES ? fail(400) : -1;
        }
        int end = length - 2;
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
        state = HEADERS;
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
        int lf = lineEnd(in, address, MAX_HEADER_BYTES - headerBytes, false);
        if (lf < 0) {
            return headerBytes + in.readableBytes() > MAX_HEADER_BYTES ? fail(431) : NEED_MORE;
        }
        int length = lf - start + 1;
        headerBytes += length;
        if (headerBytes > MAX_HEADER_BYTES) {
            return fail(431);
        }
        // The line is in the request's field bytes from here: checked and kept there, not copied again.
        byte[] bytes = request.fieldRoom(0);
        int at = request.fieldBytesUsed();
        if (length < 2 || bytes[at + length - 2] != CR) { // the copy: no second read of the buffer
            return fail(400);
        }
        in.readerIndex(lf + 1);
        if (length == 2) {
            return endOfHead();
        }
        if (++headerCount > MAX_HEADER_COUNT) {
            return fail(431);
        }
        int end = at + length - 2;
        // Also refuses obs-fold (a line starting with whitespace) and whitespace before the colon.
        int colon = HttpSyntax.fieldColon(bytes, at, end);
        if (colon < 0) {
            return fail(400);
        }
        // The search saw every byte before the CR: if none was below SP or DEL, the value is
        // valid as it is; else (HTAB is allowed, a CR, NUL or other control is not) look closer.
        if (firstControl < length - 2 && !HttpSyntax.isFieldValue(bytes, colon + 1, end)) {
            return fail(400); // a bare CR, NUL or other control character
        }
        int valueStart = HttpSyntax.skipWhitespace(bytes, colon + 1, end);
        int valueEnd = HttpSyntax.trimWhitespace(bytes, valueStart, end);
        int field = request.addField(colon - at, valueStart - at, valueEnd - valueStart);
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
            state = CHUNKED;
            return HEADERS_DONE;
        }
        if (contentLength() > 0) {
            remaining = contentLength();
            // Memory follows the bytes that arrive: a small start, growing up to the declared length.
            body = alloc.buffer((int) Math.min(remaining, BODY_PREALLOCATION), (int) remaining);
            state = BODY;
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
        state = REQUEST_LINE;
        return REQUEST_DONE;
    }

    private int fail(int status) {
        if (state == REQUEST_LINE) {
            method = null;
        }
        errorStatus = status;
        state = FAILED;
        return ERROR;
    }

    // ---- finding lines ----

    /** What {@link #decode} passes on for a buffer without a memory address. */
    private static final long NO_ADDRESS = 0;

    private static final byte LF = '\n';
    /** {@link #firstControl} when the line has none so far. */
    private static final int NO_CONTROL = LineScanner.NO_CONTROL;

    /** First size of {@link #line}: a typical request line fits, a longer one grows it. */
    private static final int INITIAL_LINE = 128;

    /**
     * The index in {@code in} of the LF ending the line at its reader index, or -1 if it has not
     * arrived (then at most {@code limit} bytes of it are kept, and the caller refuses the line if
     * {@code in} holds more). Searches from the first byte not searched yet, copying the request
     * line into {@link #line} from index 0, a field line into the request's field bytes after
     * those in use. When the LF is found the caller consumes the line (or fails the request), so
     * the next search starts afresh.
     */
    private int lineEnd(ByteBuf in, long address, int limit, boolean requestLine) {
        int from = in.readerIndex() + scanned;
        int available = Math.min(in.writerIndex() - from, limit + 1 - scanned);
        if (available <= 0) {
            return -1;
        }
        byte[] to;
        int base;
        if (requestLine) {
            to = line == null || line.length < scanned + available ? growLine(scanned + available) : line;
            base = 0;
        } else {
            to = request.fieldRoom(scanned + available);
            base = request.fieldBytesUsed();
        }
        if (scanned == 0) {
            firstControl = NO_CONTROL; // a new line
        }
        int lf = address != LineScanner.NO_ADDRESS ? scan(address + from, available, to, base + scanned)
                : scanBytes(in, from, available, to, base + scanned);
        if (lf < 0) {
            scanned += available;
            return -1;
        }
        scanned = 0;
        return from + lf;
    }

    /**
     * The offset of the first LF in the {@code available} bytes at {@code at}, or -1, the bytes
     * copied to {@code to[toFrom...]} on the way ({@link LineScanner#copyToLineFeed}, the one line
     * search); notes the line's first control byte if this part of it holds the first.
     */
    private int scan(long at, int available, byte[] to, int toFrom) {
        long found = LineScanner.copyToLineFeed(at, available, to, toFrom);
        int control = LineScanner.firstControl(found);
        if (control != NO_CONTROL && firstControl == NO_CONTROL) {
            firstControl = scanned + control; // scanned: the line offset of at
        }
        return LineScanner.lineFeed(found);
    }

    /**
     * {@link #scan} for a buffer without a memory address, byte by byte through a processor: never
     * {@code getBytes} into an array, which on a direct buffer without {@code sun.misc.Unsafe}
     * (Netty's default on JDK 24 and later) makes a {@code ByteBuffer} view per call.
     */
    private int scanBytes(ByteBuf in, int from, int available, byte[] to, int toFrom) {
        processTo = to;
        processAt = toFrom;
        firstControl = 0; // not tracked byte by byte here: the field check looks at every value
        int lf = in.forEachByte(from, available, this);
        processTo = null;
        return lf < 0 ? -1 : lf - from;
    }

    /** Copies one byte to {@link #processTo}; {@code false} (stop) at the LF. Only {@link #scanBytes} calls it. */
    @Override
    public boolean process(byte value) {
        processTo[processAt++] = value;
        return value != LF;
    }

    private byte[] growLine(int needed) {
        line = line == null ? new byte[Math.max(INITIAL_LINE, needed)] : Arrays.copyOf(line, Math.max(needed, line.length * 2));
        return line;
    }
}
