package io.jselectors.protocol.http.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An {@code http://} or {@code https://} URL taken apart for one GET: scheme, host, port, and the
 * request target (path and query, as written).
 *
 * @param text the URL as the user wrote it, for messages
 * @param secure {@code https}: the request goes over TLS
 * @param host the host name or IP literal, without IPv6 brackets
 * @param port the port, 80 (http) or 443 (https) when the URL names none
 * @param target the request target: the raw path ({@code /} when empty) and {@code ?query}
 */
public record FetchUrl(String text, boolean secure, String host, int port, String target) {

    /** Default port of {@code http}. */
    public static final int HTTP_PORT = 80;

    /** Default port of {@code https}. */
    public static final int HTTPS_PORT = 443;

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
     * @throws IllegalArgumentException with a message for the user: not a URL, not http(s), no host,
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
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException(scheme == null
                    ? "not an absolute URL: write it as http://HOST[:PORT]/PATH or https://..."
                    : "unsupported scheme '" + scheme + "': only http:// and https:// are supported");
        }
        boolean secure = "https".equals(scheme);
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
        int port = uri.getPort() == -1 ? (secure ? HTTPS_PORT : HTTP_PORT) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        if (target.length() > MAX_TARGET_LENGTH) {
            throw new IllegalArgumentException("the path and query are " + target.length()
                    + " characters; at most " + MAX_TARGET_LENGTH + " are sent");
        }
        return new FetchUrl(text, secure, host, port, target);
    }

    /** The {@code Host} header's value: the host, bracketed if IPv6, and the port unless the scheme's default. */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (secure ? HTTPS_PORT : HTTP_PORT) ? h : h + ":" + port;
    }

    /**
     * The origin, {@code http://host:port} or {@code https://host:port}: the key under which keep-alive
     * connections are shared: a plaintext connection never carries an https request, nor the reverse.
     */
    public String origin() {
        return (secure ? "https://" : "http://")
                + (host.indexOf(':') >= 0 ? "[" + host + "]" : host).toLowerCase(Locale.ROOT) + ":" + port;
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
