package io.jselectors.server;

import io.jselectors.connection.ConnectionLimits;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything {@link Server} needs, already validated. The CLI builds it from flags and
 * environment; tests build it directly.
 *
 * @param listeners what to listen on
 * @param workers worker loops (at least 1)
 * @param selector selector backend name, or {@code null} for the transport's default
 * @param transport {@code native} or {@code nio}
 * @param idleTimeout close connections idle this long; {@link Duration#ZERO} disables
 * @param maxConnections connections accepted beyond this are closed at once
 * @param drainTimeout how long a graceful shutdown waits for connections to finish
 * @param options protocol options, by protocol then option name
 * @param highWaterMark outbound bytes above which a connection is not writable (64 KiB default)
 * @param lowWaterMark outbound bytes below which it is writable again (32 KiB default)
 * @param maxReadsPerEvent reads per readiness event before the loop serves other connections
 * @param sockets each accepted connection's kernel buffers and the accept queue's length
 */
public record ServerSettings(
        List<ListenerSpec> listeners,
        int workers,
        String selector,
        String transport,
        Duration idleTimeout,
        int maxConnections,
        Duration drainTimeout,
        Map<String, Map<String, String>> options,
        int highWaterMark,
        int lowWaterMark,
        int maxReadsPerEvent,
        SocketSizing sockets) {

    /** Default high water mark: {@link ConnectionLimits#DEFAULT_HIGH_WATER} (64 KiB). */
    public static final int DEFAULT_HIGH_WATER = ConnectionLimits.DEFAULT_HIGH_WATER;
    /** Default low water mark: {@link ConnectionLimits#DEFAULT_LOW_WATER} (32 KiB). */
    public static final int DEFAULT_LOW_WATER = ConnectionLimits.DEFAULT_LOW_WATER;
    /** Default reads per readiness event: {@link ConnectionLimits#DEFAULT_MAX_READS} (16). */
    public static final int DEFAULT_MAX_READS = ConnectionLimits.DEFAULT_MAX_READS;

    /** Validates the settings. */
    public ServerSettings {
        listeners = List.copyOf(listeners);
        options = Map.copyOf(options);
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1, not " + workers);
        }
        if (!transport.equals("native") && !transport.equals("nio")) {
            throw new IllegalArgumentException("--transport must be native or nio, not " + transport);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--max-connections must be at least 1, not " + maxConnections);
        }
        if (idleTimeout.isNegative() || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts cannot be negative");
        }
        new ConnectionLimits(highWaterMark, lowWaterMark, maxReadsPerEvent); // validates them
        java.util.Objects.requireNonNull(sockets, "sockets");
    }

    /** The limits every connection applies. */
    public ConnectionLimits limits() {
        return new ConnectionLimits(highWaterMark, lowWaterMark, maxReadsPerEvent);
    }

    /** Settings with the defaults, listening where given. */
    public static ServerSettings defaults(List<ListenerSpec> listeners) {
        return new ServerSettings(listeners, Runtime.getRuntime().availableProcessors(), null, "native",
                Duration.ofMinutes(5), 10_000, Duration.ofSeconds(10), Map.of(),
                DEFAULT_HIGH_WATER, DEFAULT_LOW_WATER, DEFAULT_MAX_READS, SocketSizing.KERNEL);
    }

    /** A copy with another worker count. */
    public ServerSettings withWorkers(int n) {
        return new ServerSettings(listeners, n, selector, transport, idleTimeout, maxConnections, drainTimeout,
                options, highWaterMark, lowWaterMark, maxReadsPerEvent, sockets);
    }

    /** A copy with another transport and selector. */
    public ServerSettings withTransport(String newTransport, String newSelector) {
        return new ServerSettings(listeners, workers, newSelector, newTransport, idleTimeout, maxConnections,
                drainTimeout, options, highWaterMark, lowWaterMark, maxReadsPerEvent, sockets);
    }

    /** A copy with other timeouts and limit. */
    public ServerSettings withLimits(Duration idle, int maxConns, Duration drain) {
        return new ServerSettings(listeners, workers, selector, transport, idle, maxConns, drain,
                options, highWaterMark, lowWaterMark, maxReadsPerEvent, sockets);
    }

    /** A copy with other protocol options. */
    public ServerSettings withOptions(Map<String, Map<String, String>> newOptions) {
        return new ServerSettings(listeners, workers, selector, transport, idleTimeout, maxConnections,
                drainTimeout, newOptions, highWaterMark, lowWaterMark, maxReadsPerEvent, sockets);
    }

    /**
     * One {@code --listen PROTOCOL=[HOST:]PORT}.
     *
     * @param protocol the protocol's name
     * @param address where to bind (port 0 picks a free port)
     */
    public record ListenerSpec(String protocol, InetSocketAddress address) {

        /**
         * Parses {@code echo=7000}, {@code echo=127.0.0.1:7000} or {@code echo=[::1]:7000}; a
         * missing host means {@code defaultHost}.
         */
        public static ListenerSpec parse(String text, String defaultHost) {
            int eq = text.indexOf('=');
            if (eq <= 0 || eq == text.length() - 1) {
                throw new IllegalArgumentException("--listen wants PROTOCOL=[HOST:]PORT, got '" + text + "'");
            }
            String protocol = text.substring(0, eq).trim();
            String where = text.substring(eq + 1).trim();
            String host = defaultHost;
            String port = where;
            if (where.startsWith("[")) {
                int close = where.indexOf(']');
                if (close < 0 || close + 1 >= where.length() || where.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("bad IPv6 listen address '" + where + "': use [::1]:PORT");
                }
                host = where.substring(1, close);
                port = where.substring(close + 2);
            } else if (where.lastIndexOf(':') >= 0) {
                int colon = where.lastIndexOf(':');
                host = where.substring(0, colon);
                port = where.substring(colon + 1);
            }
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in --listen " + text + ": '" + port + "'");
            }
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port out of range in --listen " + text);
            }
            return new ListenerSpec(protocol, new InetSocketAddress(host, p));
        }
    }
}
