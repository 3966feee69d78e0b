package io.jselectors.protocol.http;

import java.net.InetSocketAddress;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP access log: one INFO line per answered request on the logger {@value #LOGGER}, on by
 * the listener option {@code access-log=true} ({@code jselectors serve --access-log}). Off, it
 * costs a request nothing but a null check.
 *
 * <pre>127.0.0.1:51234 "GET /hello HTTP/1.1" 200 0.21ms</pre>
 *
 * <p>The target is logged as the client sent it, cut at {@value #MAX_TARGET} characters so a
 * client cannot make one request write a long line; control characters are escaped so it cannot
 * forge a line either.
 */
final class AccessLog {

    /** The logger name: route it, or turn it off, in the logging configuration. */
    static final String LOGGER = "io.jselectors.access";
    /** The longest target logged; longer ones end in "...". */
    static final int MAX_TARGET = 512;

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    /** The access log of a listener with these options, or {@code null} when it is off. */
    static AccessLog fromOption(String value) {
        if (value == null || value.equalsIgnoreCase("false")) {
            return null;
        }
        if (!value.equalsIgnoreCase("true")) {
            throw new IllegalArgumentException("http option access-log must be true or false: " + value);
        }
        return new AccessLog();
    }

    void answered(InetSocketAddress remote, String method, String target, int version, int status, long nanos) {
        if (!log.isInfoEnabled()) {
            return;
        }
        String host = remote == null ? "-" : remote.getAddress() == null ? remote.getHostString()
                : remote.getAddress().getHostAddress();
        log.info("{}:{} \"{} {} HTTP/1.{}\" {} {}ms", host, remote == null ? 0 : remote.getPort(), method,
                printable(target), version % 10, status, String.format(Locale.ROOT, "%.2f", nanos / 1e6));
    }

    private static String printable(String target) {
        if (target == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(target.length(), MAX_TARGET) + 3);
        for (int i = 0; i < target.length() && i < MAX_TARGET; i++) {
            char ch = target.charAt(i);
            if (ch < 0x20 || ch == 0x7f || ch == '"') {
                b.append(String.format(Locale.ROOT, "\\x%02x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return target.length() > MAX_TARGET ? b.append("...").toString() : b.toString();
    }
}
