package io.jselectors.protocol.http;

import io.jselectors.protocol.http.codec.HttpSyntax;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A response a {@link Route} returns. The server adds {@code Date}, {@code Content-Length} and,
 * where needed, {@code Connection}; a HEAD request gets the same header fields and no content.
 *
 * <p>A response is built, then either returned once or {@link #freeze() frozen}: a frozen response
 * is encoded once up front and can be returned again and again, from every loop, which is how the
 * fixed routes cost no formatting per request.
 *
 * {@snippet :
 * private static final HttpResponse PONG = HttpResponse.text(200, "pong").freeze();
 * routes.add("/ping", request -> PONG);
 * routes.add("/echo", request -> HttpResponse.of(200, "application/octet-stream", ByteBufUtil.getBytes(request.body())), "POST");
 * }
 */
public final class HttpResponse {

    private final int status;
    private final List<String> fields = new ArrayList<>(8);
    private final byte[] body;
    private final FileBody file;
    private volatile byte[] encodedHead;

    private HttpResponse(int status, byte[] body, FileBody file) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must have three digits: " + status);
        }
        this.status = status;
        this.body = body;
        this.file = file;
        header("Server", HttpProtocol.SERVER_NAME);
    }

    /** A response with {@code body} (owned by the response from now on) of the given content type. */
    public static HttpResponse of(int status, String contentType, byte[] body) {
        HttpResponse response = new HttpResponse(status, Objects.requireNonNull(body, "body"), null);
        if (contentType != null && body.length > 0) {
            response.header("Content-Type", contentType);
        }
        return response;
    }

    /** A {@code text/plain; charset=utf-8} response. */
    public static HttpResponse text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A response with no content (e.g. 204, 304, or an error with headers only). */
    public static HttpResponse empty(int status) {
        return new HttpResponse(status, new byte[0], null);
    }

    /** A response whose content is {@code length} bytes of a file from {@code offset}, streamed. */
    static HttpResponse file(int status, Path path, long offset, long length) {
        return new HttpResponse(status, new byte[0], new FileBody(path, offset, length));
    }

    /**
     * Adds a header field. {@code Content-Length}, {@code Transfer-Encoding}, {@code Date} and
     * {@code Connection} are the server's to set.
     *
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF or NUL
     *     (which would let a value split the response)
     * @throws IllegalStateException if the response is frozen
     */
    public HttpResponse header(String name, String value) {
        if (encodedHead != null) {
            throw new IllegalStateException("a frozen response cannot change");
        }
        if (name.isEmpty() || !name.chars().allMatch(c -> c < 128 && HttpSyntax.isToken((byte) c))) {
            throw new IllegalArgumentException("not a field name: " + name);
        }
        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                || name.equalsIgnoreCase("Date") || name.equalsIgnoreCase("Connection")) {
            throw new IllegalArgumentException(name + " is set by the server");
        }
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0 || c > 255)) {
            throw new IllegalArgumentException("field value with CR, LF, NUL or a non-Latin-1 character: " + name);
        }
        fields.add(name);
        fields.add(value);
        return this;
    }

    /** Encodes the status line and fields once; the response is immutable and shareable afterwards. */
    public HttpResponse freeze() {
        if (encodedHead == null) {
            encodedHead = ResponseEncoder.encodeHead(this);
        }
        return this;
    }

    /** Whether {@link #freeze()} was called: the response no longer changes. */
    boolean isFrozen() {
        return encodedHead != null;
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The value of the first field named {@code name} (any case), or {@code null}. */
    public String header(String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    /** The content length a GET would get (what a HEAD response announces too). */
    public long contentLength() {
        return file != null ? file.length() : body.length;
    }

    List<String> fields() {
        return fields;
    }

    byte[] body() {
        return body;
    }

    FileBody file() {
        return file;
    }

    /** The status line and fields, up to but excluding Date and the final CRLF. */
    byte[] head() {
        byte[] head = encodedHead;
        return head != null ? head : ResponseEncoder.encodeHead(this);
    }

    /** Part of a file to send as the content. */
    record FileBody(Path path, long offset, long length) {}
}
