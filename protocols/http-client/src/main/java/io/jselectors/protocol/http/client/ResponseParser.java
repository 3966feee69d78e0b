package io.jselectors.protocol.http.client;

import io.jselectors.protocol.http.codec.ContentLength;
import io.jselectors.protocol.http.codec.HttpSyntax;
import io.jselectors.protocol.http.codec.StartLine;
import io.jselectors.protocol.http.codec.TransferCoding;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An incremental parser of one HTTP/1.x response (RFC 9112): bytes may arrive in any pieces, one
 * at a time included. It reads the status line and header fields, then frames the body as RFC
 * 9112 section 6.3 says for a response to a GET: none for 204 and 304, chunked when {@code
 * Transfer-Encoding} ends in {@code chunked}, {@code Content-Length} bytes, or else everything
 * until the server closes. Interim 1xx responses are skipped.
 *
 * <p>Lenient in the head where RFC 9112 lets a client be (a bare LF ends a line, obs-fold is
 * joined with a space, a bare CR reads as a space), strict where leniency would misframe the body:
 * a malformed status line, a field name that is not a token (whitespace before the colon
 * included), an invalid or conflicting {@code Content-Length}, and anything wrong in a chunked
 * body are errors. The framing rules are the HTTP/1 codec's ({@link ContentLength}, {@link
 * TransferCoding}, the chunked decoder through {@link ChunkedBody}), the same the server applies to requests. Body bytes
 * are counted, and kept only when asked to.
 *
 * <p>One response per instance; {@link #reset()} makes it ready for the next one on the same
 * connection. Not thread-safe.
 */
final class ResponseParser {

    /** Longest status line, header line or chunk-size line: 8 KiB, what servers allow for requests. */
    static final int MAX_LINE = 8 * 1024;

    /** Most header bytes in one response (status line excluded), so a broken server cannot exhaust memory. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    /** Most header fields in one response, for the same reason. */
    static final int MAX_FIELDS = 256;

    /** Most interim (1xx) responses before the final one; a server sending more is looping. */
    static final int MAX_INTERIM = 16;

    private enum State { STATUS_LINE, HEADERS, FIXED_BODY, CHUNKED, UNTIL_CLOSE, DONE }

    /** A response that cannot be parsed; the message says what was wrong. */
    static final class MalformedResponseException extends java.io.IOException {
        MalformedResponseException(String message) {
            super(message);
        }
    }

    private final int keepBodyBytes;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private boolean lineHasCr;

    private State state;
    private boolean started;
    private int interim;
    private int version; // 0 for HTTP/1.0, 1 for HTTP/1.1 (minor version; major must be 1)
    private int status;
    private String reason;
    private final List<String[]> fields = new ArrayList<>();
    private int headerBytes;
    private long contentLength;
    private final TransferCoding transferCoding = new TransferCoding();
    private final ChunkedBody chunked = new ChunkedBody(MAX_LINE, MAX_HEADER_BYTES, MAX_FIELDS);
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private long remaining;
    private long bodyBytes;
    private ByteArrayOutputStream body;

    /** A parser that counts body bytes and keeps up to {@code keepBodyBytes} of them (0: none). */
    ResponseParser(int keepBodyBytes) {
        this.keepBodyBytes = keepBodyBytes;
        reset();
    }

    /** Forgets the last response, for the next one on the same connection. */
    void reset() {
        state = State.STATUS_LINE;
        started = false;
        interim = 0;
        lineLength = 0;
        lineHasCr = false;
        clearResponse();
    }

    private void clearResponse() {
        version = 0;
        status = 0;
        reason = null;
        fields.clear();
        headerBytes = 0;
        contentLength = ContentLength.NONE;
        transferCoding.reset();
        chunked.reset();
        connectionClose = false;
        connectionKeepAlive = false;
        remaining = 0;
        bodyBytes = 0;
        body = keepBodyBytes > 0 ? new ByteArrayOutputStream() : null;
    }

    /**
     * Parses up to {@code len} bytes and returns how many it used: fewer only when the response
     * ended within them (then {@link #isDone()}); what follows belongs to no request we sent.
     *
     * @throws MalformedResponseException if the bytes are not a valid response
     */
    int feed(byte[] b, int off, int len) throws MalformedResponseException {
        int i = off;
        int end = off + len;
        if (len > 0) {
            started = true;
        }
        while (i < end && state != State.DONE) {
            switch (state) {
                case FIXED_BODY -> {
                    int n = (int) Math.min(remaining, end - i);
                    takeBody(b, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DONE;
                    }
                }
                case CHUNKED -> {
                    i += chunked.feed(b, i, end - i, this::takeBody);
                    if (chunked.done()) {
                        state = State.DONE;
                    }
                }
                case UNTIL_CLOSE -> {
                    takeBody(b, i, end - i);
                    i = end;
                }
                default -> {
                    // Line-oriented states: gather up to LF, then act on the whole line.
                    byte c = b[i++];
                    if (c == '\n') {
                        onLine();
                    } else {
                        appendToLine(c);
                    }
                }
            }
        }
        return i - off;
    }

    /**
     * The server closed the connection. Returns normally if that ends the response (a body
     * delimited by the close, or a response already done).
     *
     * @throws MalformedResponseException if the response was cut short; the message says where
     */
    void endOfStream() throws MalformedResponseException {
        if (state == State.UNTIL_CLOSE) {
            state = State.DONE;
        } else if (state != State.DONE) {
            throw new MalformedResponseException(switch (state) {
                case STATUS_LINE -> started ? "connection closed in the status line" : "connection closed before any response";
                case HEADERS -> "connection closed in the response headers";
                case FIXED_BODY -> "connection closed after " + bodyBytes + " of " + contentLength + " body bytes";
                case CHUNKED -> "connection closed in the chunked body after " + bodyBytes + " bytes";
                default -> throw new IllegalStateException(state.name());
            });
        }
    }

    private void appendToLine(byte c) throws MalformedResponseException {
        if (lineHasCr) {
            // A CR not followed by LF: RFC 9112 section 2.2 lets a recipient read it as a space.
            lineHasCr = false;
            put((byte) ' ');
        }
        if (c == '\r') {
            lineHasCr = true;
        } else {
            put(c);
        }
    }

    private void put(byte c) throws MalformedResponseException {
        if (lineLength == MAX_LINE) {
            throw new MalformedResponseException("a line of the response is longer than " + MAX_LINE + " bytes");
        }
        line[lineLength++] = c;
    }

    private void onLine() throws MalformedResponseException {
        int length = lineLength;
        lineLength = 0;
        lineHasCr = false;
        if (state == State.STATUS_LINE) {
            statusLine(length);
            return;
        }
        headerBytes += length + 2;
        if (headerBytes > MAX_HEADER_BYTES) {
            throw new MalformedResponseException("the response headers exceed " + MAX_HEADER_BYTES + " bytes");
        }
        if (length > 0) {
            field(length);
        } else {
            endOfHeaders();
        }
    }

    private void statusLine(int length) throws MalformedResponseException {
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]; "HTTP/1.1 200" also occurs.
        int code = StartLine.statusCode(line, 0, length);
        if (code < 0) {
            throw new MalformedResponseException("not an HTTP/1.x status line: \"" + abbreviate(line, length) + "\"");
        }
        version = StartLine.statusMinorVersion(line, 0);
        status = code;
        reason = length > 13 ? HttpSyntax.latin1(line, 13, length - 13) : "";
        state = State.HEADERS;
    }

    private void field(int length) throws MalformedResponseException {
        if (HttpSyntax.isWhitespace(line[0])) {
            // obs-fold: RFC 9112 section 5.2 has a user agent replace it with a space.
            if (fields.isEmpty()) {
                throw new MalformedResponseException("a folded line before any header field");
            }
            String[] last = fields.getLast();
            last[1] = (last[1] + " " + HttpSyntax.latin1(line, 0, length).strip()).strip();
            return;
        }
        int colon = HttpSyntax.fieldColon(line, 0, length);
        if (colon < 0) {
            int nameEnd = HttpSyntax.tokenEnd(line, 0, length);
            int afterSpace = HttpSyntax.skipWhitespace(line, nameEnd, length);
            if (nameEnd > 0 && afterSpace > nameEnd && afterSpace < length && line[afterSpace] == ':') {
                throw new MalformedResponseException("whitespace between a header field name and its colon");
            }
            throw new MalformedResponseException("a header line without a field name and colon: \"" + abbreviate(line, length) + "\"");
        }
        if (fields.size() == MAX_FIELDS) {
            throw new MalformedResponseException("more than " + MAX_FIELDS + " header fields");
        }
        int valueStart = HttpSyntax.skipWhitespace(line, colon + 1, length);
        int valueEnd = HttpSyntax.trimWhitespace(line, valueStart, length);
        fields.add(new String[] {HttpSyntax.latin1(line, 0, colon), HttpSyntax.latin1(line, valueStart, valueEnd - valueStart)});
    }

    private void endOfHeaders() throws MalformedResponseException {
        for (String[] f : fields) {
            String name = f[0].toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> contentLength(f[1]);
                case "transfer-encoding" -> {
                    transferCoding.add(f[1]);
                    if (transferCoding.invalid()) {
                        throw new MalformedResponseException("invalid Transfer-Encoding: \"" + abbreviate(f[1]) + "\"");
                    }
                }
                case "connection" -> {
                    connectionClose |= HttpSyntax.listContains(f[1], "close");
                    connectionKeepAlive |= HttpSyntax.listContains(f[1], "keep-alive");
                }
                default -> { }
            }
        }
        if (status < 200) {
            if (status == 101) {
                throw new MalformedResponseException("101 Switching Protocols to a request that asked for no upgrade");
            }
            if (++interim > MAX_INTERIM) {
                throw new MalformedResponseException("more than " + MAX_INTERIM + " interim (1xx) responses");
            }
            clearResponse();
            state = State.STATUS_LINE;
            return;
        }
        if (status == 204 || status == 304) {
            state = State.DONE;
        } else if (transferCoding.present()) {
            // Transfer-Encoding overrides Content-Length (RFC 9112 section 6.3, items 3 and 4).
            state = transferCoding.chunked() ? State.CHUNKED : State.UNTIL_CLOSE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = contentLength == 0 ? State.DONE : State.FIXED_BODY;
        } else {
            state = State.UNTIL_CLOSE;
        }
    }

    private void contentLength(String value) throws MalformedResponseException {
        // "5, 5" (a list of equal values) is allowed; differing values are fatal (RFC 9110 section 8.6).
        long length = ContentLength.parse(value, contentLength);
        if (length == ContentLength.CONFLICT) {
            throw new MalformedResponseException("conflicting Content-Length values: \"" + abbreviate(value) + "\""
                    + (contentLength >= 0 ? " after " + contentLength : ""));
        }
        if (length < 0) {
            throw new MalformedResponseException("invalid Content-Length: \"" + abbreviate(value) + "\"");
        }
        contentLength = length;
    }

    private void takeBody(ByteBuf in, int n) {
        if (body != null && body.size() < keepBodyBytes) {
            byte[] kept = new byte[Math.min(n, keepBodyBytes - body.size())];
            in.getBytes(in.readerIndex(), kept);
            body.write(kept, 0, kept.length);
        }
        bodyBytes += n;
        in.skipBytes(n);
    }

    private void takeBody(byte[] b, int off, int len) {
        bodyBytes += len;
        if (body != null && body.size() < keepBodyBytes) {
            body.write(b, off, Math.min(len, keepBodyBytes - body.size()));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static String abbreviate(byte[] bytes, int length) {
        return abbreviate(HttpSyntax.latin1(bytes, 0, Math.min(length, 81)));
    }

    /** The whole response has been read. */
    boolean isDone() {
        return state == State.DONE;
    }

    /** Some byte of a response has arrived. */
    boolean started() {
        return started;
    }

    /** The final status code, once the status line is read (0 before). */
    int status() {
        return status;
    }

    /** The reason phrase, possibly empty. */
    String reason() {
        return reason;
    }

    /** Body bytes read so far (after chunked decoding). */
    long bodyBytes() {
        return bodyBytes;
    }

    /** The first {@code keepBodyBytes} bytes of the body, or an empty array if none are kept. */
    byte[] body() {
        return body == null ? new byte[0] : body.toByteArray();
    }

    /** The first value of a header field (case-insensitive name), or {@code null}. */
    String header(String name) {
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase(name)) {
                return f[1];
            }
        }
        return null;
    }

    /**
     * Whether the connection may carry another request once this response is done: HTTP/1.1
     * unless {@code Connection: close}, HTTP/1.0 only with {@code Connection: keep-alive}, never
     * when the body ran until the close, and never when both Transfer-Encoding and Content-Length
     * were sent (a framing conflict the server should not have made).
     */
    boolean keepAlive() {
        if (state != State.DONE || connectionClose || (transferCoding.present() && contentLength >= 0)) {
            return false;
        }
        boolean framed = transferCoding.chunked() || contentLength >= 0 || status == 204 || status == 304;
        return framed && (version >= 1 || connectionKeepAlive);
    }
}
