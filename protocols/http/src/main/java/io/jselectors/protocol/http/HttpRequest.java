package io.jselectors.protocol.http;

import io.jselectors.protocol.http.codec.HttpSyntax;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One parsed request, as a {@link Route} sees it. The object belongs to its connection and is
 * reused for the next request: a route must not keep it (or its {@link #body()}) after it returns;
 * copy what it needs.
 */
public final class HttpRequest {

    /** Room for this many fields before the arrays first grow (wrk sends one, browsers 10-15). */
    private static final int INITIAL_FIELDS = 16;
    /** Room for this many bytes of field lines before the copy first grows (a browser's fit in 1-2 KiB). */
    private static final int INITIAL_FIELD_BYTES = 256;

    private String method;
    private String target;
    private String path;
    private String query;
    private int version;
    /**
     * The field arrays ({@link #names}, {@link #values}, {@link #valueSpans}) are made with the first
     * field, {@link #fieldBytes} with the first field line scanned: a connection that has not sent
     * a request yet holds none of them (720 bytes of an idle connection's heap, issue #17).
     */
    /**
     * Field names: {@link HttpSyntax}'s shared constant for a common name, else {@code null} until
     * someone asks for it (then the string made from {@link #fieldBytes}). A browser sends a few
     * names no list holds ({@code sec-ch-ua}, ...): a request whose route does not read them makes
     * no string for them.
     */
    private String[] names;
    /**
     * Values made into strings so far; the others exist only as bytes in {@link #fieldBytes}. A
     * request whose values nobody asks for (Host is checked on its bytes) does not touch it.
     */
    private String[] values;
    /** Entries below this may be non-null in {@link #values}; every one from it on is null. */
    private int valuesMade;
    /**
     * Where field {@code i}'s value is in {@link #fieldBytes}: its offset at {@code 2i}, its length
     * at {@code 2i + 1}, side by side so that a field writes one array (one cache line) rather than two.
     */
    private int[] valueSpans;
    private int headerCount;
    /** Names and values of the header section as sent, so that a value costs nothing until asked for. */
    private byte[] fieldBytes;
    private int fieldBytesUsed;
    private ByteBuf body = Unpooled.EMPTY_BUFFER;

    HttpRequest() {}

    /** The method, e.g. {@code GET}; case-sensitive, as RFC 9110 says. */
    public String method() {
        return method;
    }

    /** The request target as sent (origin-form {@code /a?b}, or absolute-form {@code http://h/a}). */
    public String target() {
        return target;
    }

    /** The path of the target, still %-encoded, without the query: e.g. {@code /hello}. */
    public String path() {
        return path;
    }

    /** The query after {@code ?}, still %-encoded, or {@code null} if there is none. */
    public String query() {
        return query;
    }

    /** The protocol version: {@code 11} for HTTP/1.1, {@code 10} for HTTP/1.0. */
    public int version() {
        return version;
    }

    /** The value of the first field named {@code name} (any case), or {@code null}. */
    public String header(String name) {
        for (int i = 0; i < headerCount; i++) {
            if (nameIs(i, name)) {
                return headerValue(i);
            }
        }
        return null;
    }

    /** Every value of the fields named {@code name} (any case), in order. */
    public List<String> headers(String name) {
        List<String> found = new ArrayList<>(2);
        for (int i = 0; i < headerCount; i++) {
            if (nameIs(i, name)) {
                found.add(headerValue(i));
            }
        }
        return found;
    }

    /** Whether field {@code i} is named {@code name} (any case), without making its name a string. */
    private boolean nameIs(int i, String name) {
        String known = names[i];
        if (known != null) {
            return known.equalsIgnoreCase(name);
        }
        for (int c = 0; c < name.length(); c++) {
            if (name.charAt(c) > 0x7f) {
                // equalsIgnoreCase folds a few non-ASCII letters to ASCII ones (the Kelvin sign to
                // k): keep its answer for such a name rather than the byte comparison's.
                return headerName(i).equalsIgnoreCase(name);
            }
        }
        int from = nameStart(i);
        return HttpSyntax.sameAscii(fieldBytes, from, nameEnd(from) - from, name, true);
    }

    /**
     * Where field {@code i}'s name starts in {@link #fieldBytes}: each field line is written where
     * the previous field's value ended (see {@link #addField}), the first at 0.
     */
    private int nameStart(int i) {
        return i == 0 ? 0 : valueSpans[2 * i - 2] + valueSpans[2 * i - 1];
    }

    /** The colon after the name starting at {@code from} (a name is a token: it holds none). */
    private int nameEnd(int from) {
        int colon = from;
        while (fieldBytes[colon] != ':') {
            colon++;
        }
        return colon;
    }

    /** How many header fields the request has. */
    public int headerCount() {
        return headerCount;
    }

    /** The name of field {@code index} as sent. */
    public String headerName(int index) {
        String name = names[Objects.checkIndex(index, headerCount)];
        if (name == null) {
            int from = nameStart(index);
            name = HttpSyntax.latin1(fieldBytes, from, nameEnd(from) - from);
            names[index] = name; // addField overwrites it for the next request's field at this index
        }
        return name;
    }

    /** Field {@code index}'s name if it is one of {@link HttpSyntax}'s shared constants, else {@code null}; makes nothing. */
    String knownName(int index) {
        return names[Objects.checkIndex(index, headerCount)];
    }

    /** Whether field {@code index}'s value lists {@code token} (any case), checked on its bytes. */
    boolean valueListContains(int index, String token) {
        Objects.checkIndex(index, headerCount);
        int from = valueSpans[2 * index];
        return HttpSyntax.listContains(fieldBytes, from, from + valueSpans[2 * index + 1], token);
    }

    /** The value of field {@code index}, without surrounding whitespace. */
    public String headerValue(int index) {
        String value = values[Objects.checkIndex(index, headerCount)];
        if (value == null) {
            value = HttpSyntax.latin1(fieldBytes, valueSpans[2 * index], valueSpans[2 * index + 1]);
            values[index] = value;
            valuesMade = Math.max(valuesMade, index + 1);
        }
        return value;
    }

    /** Whether field {@code index}'s value is a valid Host value, checked on its bytes (no string made). */
    boolean hostValueValid(int index) {
        Objects.checkIndex(index, headerCount);
        return HostField.isValid(fieldBytes, valueSpans[2 * index], valueSpans[2 * index + 1]);
    }

    /** The body (empty if none), readable only until the route returns; do not release it. */
    public ByteBuf body() {
        return body;
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return body.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return method + " " + target + " HTTP/1." + (version - 10);
    }

    // ---- filled by the decoder ----

    void start(String method, String target, String path, String query, int version) {
        this.method = method;
        this.target = target;
        this.path = path;
        this.query = query;
        this.version = version;
        clear();
    }

    /**
     * The array the decoder copies the next field line into, at {@link #fieldBytesUsed()}, with room
     * for {@code lineBytes} bytes there: the line is scanned out of the read buffer straight into
     * it, so a field's bytes are copied once (bench/PROFILE.md, tenth pass). Bytes past
     * {@link #fieldBytesUsed()} are the decoder's until {@link #addField} takes them.
     */
    byte[] fieldRoom(int lineBytes) {
        byte[] bytes = fieldBytes;
        int needed = fieldBytesUsed + lineBytes;
        if (bytes == null || needed > bytes.length) {
            bytes = growFieldBytes(needed); // out of line: fieldRoom stays small enough to inline
        }
        return bytes;
    }

    /** Where the next field line goes in the array {@link #fieldRoom} returns. */
    int fieldBytesUsed() {
        return fieldBytesUsed;
    }

    /**
     * Takes the field line the decoder copied to {@link #fieldBytesUsed()}: its name is the first
     * {@code nameLength} bytes, its value {@code valueLength} bytes from {@code valueFrom} (both
     * relative to the line's start); returns the field's index.
     */
    int addField(int nameLength, int valueFrom, int valueLength) {
        String[] names = this.names;
        if (names == null || headerCount == names.length) {
            names = growFields(); // out of line: addField stays small enough to inline
        }
        int at = fieldBytesUsed;
        names[headerCount] = HttpSyntax.knownFieldName(fieldBytes, at, nameLength); // others: made if asked for
        valueSpans[2 * headerCount] = at + valueFrom;
        valueSpans[2 * headerCount + 1] = valueLength;
        fieldBytesUsed = at + valueFrom + valueLength; // the value's trailing whitespace and CRLF are the next line's room
        return headerCount++;
    }

    private byte[] growFieldBytes(int needed) {
        fieldBytes = fieldBytes == null ? new byte[Math.max(INITIAL_FIELD_BYTES, needed)]
                : Arrays.copyOf(fieldBytes, Math.max(needed, fieldBytes.length * 2)); // keeps a partial line
        return fieldBytes;
    }

    /** Makes the field arrays (at the first field) or doubles them; returns the names array. */
    private String[] growFields() {
        if (names == null) {
            names = new String[INITIAL_FIELDS];
            values = new String[INITIAL_FIELDS];
            valueSpans = new int[2 * INITIAL_FIELDS];
        } else {
            int grown = headerCount * 2;
            names = Arrays.copyOf(names, grown);
            values = Arrays.copyOf(values, grown);
            valueSpans = Arrays.copyOf(valueSpans, 2 * grown);
        }
        return names;
    }

    /** Takes ownership of {@code content}. */
    void body(ByteBuf content) {
        releaseBody();
        this.body = content;
    }

    /** Drops the body (and the header values, so that they can be collected). */
    void clear() {
        releaseBody();
        if (valuesMade > 0) {
            Arrays.fill(values, 0, valuesMade, null);
            valuesMade = 0;
        }
        headerCount = 0;
        fieldBytesUsed = 0;
    }

    private void releaseBody() {
        if (body != Unpooled.EMPTY_BUFFER) {
            body.release();
            body = Unpooled.EMPTY_BUFFER;
        }
    }
}
