package io.jselectors.protocol.http;

import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.websocket.WebSocketMeters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What every connection of one HTTP listener shares: its {@link #routes()}, its settings (the
 * options {@link HttpProtocol} lists), its meters, and one cached {@code Date} per loop. Private
 * to the protocol: code outside it that wants routes of its own builds a protocol with {@link
 * HttpProtocol#embedded} instead of reaching in here.
 */
final class HttpListenerState {

    private final HttpRoutes routes = new HttpRoutes();
    private final StaticFiles staticFiles;
    private final Path root;
    private final long maxBody;
    private final long headerTimeoutNanos;
    private final HttpMeters meters;
    private final WebSocketMeters webSocketMeters;
    private final AccessLog accessLog;
    private final Clock clock;
    private final Map<EventLoop, DateCache> dates = new ConcurrentHashMap<>();

    /** {@code builtInPages}: whether the listener has {@code /}, {@code /hello} and {@code /healthz}. */
    HttpListenerState(ListenerContext listener, Clock clock, boolean builtInPages) {
        this.clock = clock;
        long body = listener.longOption("max-body", HttpLimits.DEFAULT_MAX_BODY);
        if (body < 0 || body > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("http option max-body must be between 0 and " + (Integer.MAX_VALUE - 8) + ": " + body);
        }
        this.maxBody = body;
        long timeout = listener.longOption("header-timeout", HttpLimits.DEFAULT_HEADER_TIMEOUT.toSeconds());
        if (timeout <= 0) {
            throw new IllegalArgumentException("http option header-timeout must be a positive number of seconds: " + timeout);
        }
        this.headerTimeoutNanos = TimeUnit.SECONDS.toNanos(timeout);
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
            BuiltInRoutes.addTo(routes, staticFiles != null && staticFiles.hasIndex());
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
}
