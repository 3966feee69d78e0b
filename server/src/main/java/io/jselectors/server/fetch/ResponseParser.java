package io.jselectors.server.fetch;

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
 * <p>Lenient where RFC 9112 lets a client be (a bare LF ends a line, obs-fold is joined with a
 * space, a bare CR reads as a space), strict where leniency would misframe the body: a malformed
 * status line or chunk size, whitespace before a header's colon, and conflicting {@code
 * Content-Length} values are errors. Body bytes are counted, and kept only when asked to.
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

    private enum State { STATUS_LINE, HEADERS, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, DONE }

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
    private boolean chunked;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean transferEncoding;
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
        contentLength = -1;
        chunked = false;
        connectionClose = false;
        connectionKeepAlive = false;
        transferEncoding = false;
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
                case FIXED_BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    takeBody(b, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.FIXED_BODY ? State.DONE : State.CHUNK_END;
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
                default -> "connection closed in the chunked body after " + bodyBytes + " bytes";
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
        String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
        int length = lineLength;
        lineLength = 0;
        lineHasCr = false;
        switch (state) {
            case STATUS_LINE -> statusLine(text);
            case HEADERS, TRAILERS -> {
                headerBytes += length + 2;
                if (headerBytes > MAX_HEADER_BYTES) {
                    throw new MalformedResponseException("the response headers exceed " + MAX_HEADER_BYTES + " bytes");
                }
                if (!text.isEmpty()) {
                    field(text);
                } else if (state == State.TRAILERS) {
                    state = State.DONE;
                } else {
                    endOfHeaders();
                }
            }
            case CHUNK_SIZE -> chunkSize(text);
            case CHUNK_END -> {
                if (!text.isEmpty()) {
                    throw new MalformedResponseException("chunk data is not followed by CRLF");
                }
                state = State.CHUNK_SIZE;
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void statusLine(String text) throws MalformedResponseException {
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]; "HTTP/1.1 200" also occurs.
        if (text.length() < 12 || !text.startsWith("HTTP/1.") || !Character.isDigit(text.charAt(7))
                || text.charAt(8) != ' ' || !threeDigits(text, 9) || (text.length() > 12 && text.charAt(12) != ' ')) {
            throw new MalformedResponseException("not an HTTP/1.x status line: \"" + abbreviate(text) + "\"");
        }
        version = text.charAt(7) - '0';
        status = Integer.parseInt(text, 9, 12, 10);
        reason = text.length() > 13 ? text.substring(13) : "";
        state = State.HEADERS;
    }

    private static boolean threeDigits(String s, int at) {
        return s.length() >= at + 3 && Character.isDigit(s.charAt(at)) && Character.isDigit(s.charAt(at + 1))
                && Character.isDigit(s.charAt(at + 2)) && s.charAt(at) != '0';
    }

    private void field(String text) throws MalformedResponseException {
        char first = text.charAt(0);
        if (first == ' ' || first == '\t') {
            // obs-fold: RFC 9112 section 5.2 has a user agent replace it with a space.
            if (fields.isEmpty()) {
                throw new MalformedResponseException("a folded line before any header field");
            }
            String[] last = fields.getLast();
            last[1] = (last[1] + " " + text.strip()).strip();
            return;
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new MalformedResponseException("a header line without a field name and colon: \"" + abbreviate(text) + "\"");
        }
        char beforeColon = text.charAt(colon - 1);
        if (beforeColon == ' ' || beforeColon == '\t') {
            throw new MalformedResponseException("whitespace between a header field name and its colon");
        }
        if (fields.size() == MAX_FIELDS) {
            throw new MalformedResponseException("more than " + MAX_FIELDS + " header fields");
        }
        fields.add(new String[] {text.substring(0, colon), text.substring(colon + 1).strip()});
    }

    private void endOfHeaders() throws MalformedResponseException {
        for (String[] f : fields) {
            String name = f[0].toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> contentLength(f[1]);
                case "transfer-encoding" -> {
                    transferEncoding = true;
                    String[] codings = f[1].split(",");
                    chunked = codings[codings.length - 1].strip().equalsIgnoreCase("chunked");
                }
                case "connection" -> {
                    for (String token : f[1].split(",")) {
                        connectionClose |= token.strip().equalsIgnoreCase("close");
                        connectionKeepAlive |= token.strip().equalsIgnoreCase("keep-alive");
                    }
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
        } else if (transferEncoding) {
            // Transfer-Encoding overrides Content-Length (RFC 9112 section 6.3, items 3 and 4).
            state = chunked ? State.CHUNK_SIZE : State.UNTIL_CLOSE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = contentLength == 0 ? State.DONE : State.FIXED_BODY;
        } else {
            state = State.UNTIL_CLOSE;
        }
    }

    private void contentLength(String value) throws MalformedResponseException {
        // "5, 5" (a list of equal values) is allowed; differing values are fatal (RFC 9110 section 8.6).
        for (String v : value.split(",")) {
            String digits = v.strip();
            if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new MalformedResponseException("invalid Content-Length: \"" + abbreviate(value) + "\"");
            }
            long n = Long.parseLong(digits);
            if (contentLength >= 0 && contentLength != n) {
                throw new MalformedResponseException("conflicting Content-Length values " + contentLength + " and " + n);
            }
            contentLength = n;
        }
    }

    private void chunkSize(String text) throws MalformedResponseException {
        int semicolon = text.indexOf(';');
        String hex = (semicolon >= 0 ? text.substring(0, semicolon) : text).strip();
        long size = 0;
        if (hex.isEmpty()) {
            throw new MalformedResponseException("an empty chunk size");
        }
        for (int k = 0; k < hex.length(); k++) {
            int digit = Character.digit(hex.charAt(k), 16);
            if (digit < 0 || size > (Long.MAX_VALUE >> 4)) {
                throw new MalformedResponseException("invalid chunk size \"" + abbreviate(hex) + "\"");
            }
            size = size << 4 | digit;
        }
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
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
        if (state != State.DONE || connectionClose || (transferEncoding && contentLength >= 0)) {
            return false;
        }
        boolean framed = chunked || contentLength >= 0 || status == 204 || status == 304;
        return framed && (version >= 1 || connectionKeepAlive);
    }
}
