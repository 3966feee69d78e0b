package io.jselectors.server.metrics;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where the admin listener ({@code /metrics}, {@code /healthz}) binds: {@code --admin [HOST:]PORT}
 * or {@code --admin off}. The default, {@value #DEFAULT}, keeps the endpoint on loopback: metrics
 * reveal traffic figures, so exposing them (e.g. {@code --admin 0.0.0.0:9100} in a container) is
 * an explicit choice.
 */
public final class AdminAddress {

    /** The default admin address. */
    public static final String DEFAULT = "127.0.0.1:9100";
    /** The host used when the value names a port only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private AdminAddress() {}

    /**
     * Parses {@code 9100}, {@code 127.0.0.1:9100}, {@code [::1]:9100}, {@code 0} (any free port) or
     * {@code off} (no admin listener: empty). A null or blank value means {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming the flag and the bad value
     */
    public static Optional<InetSocketAddress> parse(String value) {
        String v = value == null || value.isBlank() ? DEFAULT : value.trim();
        if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("none") || v.equalsIgnoreCase("false")) {
            return Optional.empty();
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
        return Optional.of(new InetSocketAddress(host, p));
    }
}
