package io.jselectors.protocol.http.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An {@code http://} URL taken apart for one GET: host, port, and the request target (path and
 * query, as written). Only plain HTTP: {@code https://} is refused with a message that says so,
 * since the client has no TLS.
 *
 * @param text the URL as the user wrote it, for messages
 * @param host the host name or IP literal, without IPv6 brackets
 * @param port the port, 80 when the URL names none
 * @param target the request target: the raw path ({@code /} when empty) and {@code ?query}
 */
public record FetchUrl(String text, String host, int port, String target) {

    /** Default port of {@code http}. */
    public static final int HTTP_PORT = 80;

    /**
     * Longest request target accepted. Servers commonly refuse request lines over 8 KiB (ours
     * answers 414), so a longer one could never succeed.
     */
    public static final int MAX_TARGET_LENGTH = 8 * 1024 - 64;

    /** Longest host name: DNS names have at most 253 characters. */
    public static final int MAX_HOST_LENGTH = 255;

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message for the user: not a URL, not http, no host,
     *     a target that is too long
     */
    public static FetchUrl parse(String text) {
        URI uri;
        try {
            // Non-ASCII characters are sent percent-encoded as UTF-8, as browsers do.
            uri = new URI(new URI(text).toASCIIString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if ("https".equals(scheme)) {
            throw new IllegalArgumentException("https is not supported (this client has no TLS): use an http:// URL");
        }
        if (!"http".equals(scheme)) {
            throw new IllegalArgumentException(scheme == null
                    ? "not an absolute URL: write it as http://HOST[:PORT]/PATH"
                    : "unsupported scheme '" + scheme + "': only http:// is supported");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("no host in the URL (or a malformed one)");
        }
        if (host.length() > MAX_HOST_LENGTH) {
            throw new IllegalArgumentException("the host name is longer than " + MAX_HOST_LENGTH + " characters");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? HTTP_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        if (target.length() > MAX_TARGET_LENGTH) {
            throw new IllegalArgumentException("the path and query are " + target.length()
                    + " characters; at most " + MAX_TARGET_LENGTH + " are sent");
        }
        return new FetchUrl(text, host, port, target);
    }

    /** The {@code Host} header's value: the host, bracketed if IPv6, and the port unless 80. */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == HTTP_PORT ? h : h + ":" + port;
    }

    /** {@code host:port}, the key under which keep-alive connections are shared. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host).toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** The bytes of a GET for this URL, HTTP/1.1, keep-alive (the default). */
    byte[] request() {
        String r = "GET " + target + " HTTP/1.1\r\n"
                + "Host: " + hostHeader() + "\r\n"
                + "User-Agent: jselectors-fetch\r\n"
                + "Accept: */*\r\n"
                + "\r\n";
        return r.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
