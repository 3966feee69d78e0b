package io.jselectors.server.metrics;

import io.jselectors.server.tls.TlsListeners;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where the admin listener ({@code /metrics}, {@code /healthz}) binds: {@code --admin [HOST:]PORT}
 * or {@code --admin off}; written as a listener, {@code admin+tls=[HOST:]PORT} serves it over TLS
 * with the server's certificates (as {@code --listen http+tls=8443} does; {@code admin=[HOST:]PORT}
 * is the plaintext spelling). The default, {@value #DEFAULT}, keeps the endpoint on loopback:
 * metrics reveal traffic figures, so exposing them (e.g. {@code --admin 0.0.0.0:9100} in a
 * container) is an explicit choice.
 */
public final class AdminAddress {

    /** The admin listener: where, and whether over TLS. */
    public record Listener(InetSocketAddress address, boolean tls) {
        /** The protocol as a listener spec names it: {@code admin} or {@code admin+tls}. */
        public String protocol() {
            return tls ? AdminProtocol.NAME + TlsListeners.SUFFIX : AdminProtocol.NAME;
        }
    }

    private static final String PLAIN_PREFIX = AdminProtocol.NAME + "=";
    private static final String TLS_PREFIX = AdminProtocol.NAME + TlsListeners.SUFFIX + "=";

    /** The default admin address. */
    public static final String DEFAULT = "127.0.0.1:9100";
    /** The host used when the value names a port only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private AdminAddress() {}

    /** The address of {@link #parseListener}, TLS or not. */
    public static Optional<InetSocketAddress> parse(String value) {
        return parseListener(value).map(Listener::address);
    }

    /**
     * Parses {@code 9100}, {@code 127.0.0.1:9100}, {@code [::1]:9100}, {@code 0} (any free port),
     * any of those after {@code admin+tls=} (TLS) or {@code admin=}, or {@code off} (no admin
     * listener: empty). A null or blank value means {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming the flag and the bad value
     */
    public static Optional<Listener> parseListener(String value) {
        String v = value == null || value.isBlank() ? DEFAULT : value.trim();
        if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("none") || v.equalsIgnoreCase("false")) {
            return Optional.empty();
        }
        boolean tls = v.startsWith(TLS_PREFIX);
        if (tls || v.startsWith(PLAIN_PREFIX)) {
            v = v.substring(v.indexOf('=') + 1);
        } else if (v.indexOf('=') >= 0) {
            throw new IllegalArgumentException("--admin wants [admin[+tls]=][HOST:]PORT or off, got '" + value + "'");
        }
        String host = DEFAULT_HOST;
        String port = v;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0 || close + 1 >= v.length() || v.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("--admin wants [HOST:]PORT or off, got '" + value + "'");
            }
            host = v.substring(1, close);
            port = v.substring(close + 2);
        } else if (v.indexOf(':') >= 0) {
            if (v.indexOf(':') != v.lastIndexOf(':')) {
                throw new IllegalArgumentException("--admin: write an IPv6 address in brackets, [::1]:9100, not '"
                        + value + "'");
            }
            host = v.substring(0, v.indexOf(':'));
            port = v.substring(v.indexOf(':') + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--admin wants [HOST:]PORT or off, got '" + value + "'");
        }
        if (p < 0 || p > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException("--admin: bad address '" + value + "'");
        }
        return Optional.of(new Listener(new InetSocketAddress(host, p), tls));
    }
}
