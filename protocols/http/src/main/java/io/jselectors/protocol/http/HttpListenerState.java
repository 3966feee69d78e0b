package io.jselectors.protocol.http;

import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.websocket.WebSocketMeters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What every connection of one HTTP listener shares: its {@link #routes()}, its settings (the
 * options {@link HttpProtocol} lists), its meters, and per loop one cached {@code Date} and one output buffer spare. Private
 * to the protocol: code outside it that wants routes of its own builds a protocol with {@link
 * HttpProtocol#embedded} instead of reaching in here.
 */
final class HttpListenerState implements AutoCloseable {

    private final HttpRoutes routes = new HttpRoutes();
    private final StaticFiles staticFiles;
    private final Path root;
    private final long maxBody;
    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final long minBodyRate;
    private final HttpMeters meters;
    private final WebSocketMeters webSocketMeters;
    private final AccessLog accessLog;
    private final Clock clock;
    private final Map<EventLoop, DateCache> dates = new ConcurrentHashMap<>();
    private final Map<EventLoop, OutputSpare> outputSpares = new ConcurrentHashMap<>();
    /** The plugins' WebSocket endpoints ({@code null} on an embedded listener, which has none). */
    private final PluginEndpoints endpoints;

    /**
     * {@code builtInPages}: whether the listener is the server's own http (with {@code /}, {@code
     * /hello}, {@code /healthz} and the plugins' WebSocket endpoints) rather than an embedder's.
     */
    HttpListenerState(ListenerContext listener, Clock clock, boolean builtInPages) {
        this.clock = clock;
        long body = listener.longOption("max-body", HttpLimits.DEFAULT_MAX_BODY);
        if (body < 0 || body > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("http option max-body must be between 0 and " + (Integer.MAX_VALUE - 8) + ": " + body);
        }
        this.maxBody = body;
        this.headerTimeoutNanos = timeoutOption(listener, "header-timeout", HttpLimits.DEFAULT_HEADER_TIMEOUT);
        this.bodyTimeoutNanos = timeoutOption(listener, "body-timeout", HttpLimits.DEFAULT_BODY_TIMEOUT);
        this.minBodyRate = listener.longOption("min-body-rate", HttpLimits.DEFAULT_MIN_BODY_RATE);
        if (minBodyRate < 0) {
            throw new IllegalArgumentException("http option min-body-rate must be 0 (off) or a number of bytes per second: " + minBodyRate);
        }
        String rootOption = listener.option("root", null);
        if (rootOption == null) {
            this.root = null;
            this.staticFiles = null;
        } else {
            try {
                this.root = Path.of(rootOption).toRealPath();
            } catch (IOException e) {
                throw new UncheckedIOException("http option root: no such directory: " + rootOption, e);
            }
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("http option root is not a directory: " + rootOption);
            }
            this.staticFiles = new StaticFiles(root);
        }
        this.meters = new HttpMeters(listener.meterRegistry());
        this.webSocketMeters = new WebSocketMeters(listener.meterRegistry());
        this.accessLog = AccessLog.fromOption(listener.option("access-log", null));
        if (builtInPages) {
            boolean rootHasIndex = staticFiles != null && staticFiles.hasIndex();
            BuiltInRoutes.addTo(routes, rootHasIndex);
            endpoints = PluginEndpoints.load(listener, routes);
            if (!rootHasIndex) {
                BuiltInRoutes.linkHome(routes, endpoints.links());
            }
        } else {
            endpoints = null;
        }
    }

    /** Closes the plugins' endpoints (the listener stopped). */
    @Override
    public void close() {
        if (endpoints != null) {
            endpoints.close();
        }
    }

    /** The listener's routes. */
    HttpRoutes routes() {
        return routes;
    }

    /** The directory static files are served from (a real path), or {@code null} if none. */
    Path root() {
        return root;
    }

    /** The most bytes a request body may have. */
    long maxBody() {
        return maxBody;
    }

    long headerTimeoutNanos() {
        return headerTimeoutNanos;
    }

    long bodyTimeoutNanos() {
        return bodyTimeoutNanos;
    }

    /** Bytes per second a body must average, or 0 for no minimum. */
    long minBodyRate() {
        return minBodyRate;
    }

    /** A positive duration option: {@code 10} or {@code 10s} (seconds), or {@code 500ms}. */
    private static long timeoutOption(ListenerContext listener, String name, Duration defaultValue) {
        String text = listener.option(name, null);
        if (text == null) {
            return defaultValue.toNanos();
        }
        String value = text.trim();
        long nanos;
        try {
            if (value.endsWith("ms")) {
                nanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(value.substring(0, value.length() - 2)));
            } else {
                nanos = TimeUnit.SECONDS.toNanos(Long.parseLong(value.endsWith("s") ? value.substring(0, value.length() - 1) : value));
            }
        } catch (NumberFormatException e) {
            nanos = -1;
        }
        if (nanos <= 0) {
            throw new IllegalArgumentException("http option " + name + " must be a positive duration (10, 10s or 500ms): " + text);
        }
        return nanos;
    }

    StaticFiles staticFiles() {
        return staticFiles;
    }

    HttpMeters meters() {
        return meters;
    }

    /** The listener's WebSocket meters. */
    WebSocketMeters webSocketMeters() {
        return webSocketMeters;
    }

    /** The access log, or {@code null} when the {@code access-log} option is not true. */
    AccessLog accessLog() {
        return accessLog;
    }

    /** The Date cache of {@code loop}, used only on that loop. */
    DateCache dateCache(EventLoop loop) {
        return dates.computeIfAbsent(loop, l -> new DateCache(l, clock));
    }

    /** The output buffer spare of {@code loop}, used only on that loop. */
    OutputSpare outputSpare(EventLoop loop) {
        return outputSpares.computeIfAbsent(loop, l -> new OutputSpare());
    }
}
