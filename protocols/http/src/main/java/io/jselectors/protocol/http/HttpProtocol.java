package io.jselectors.protocol.http;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * HTTP/1.1 (RFC 9110, RFC 9112) on port {@value #DEFAULT_PORT}: persistent connections and
 * pipelining, chunked and sized request bodies, {@code Expect: 100-continue}, HTTP/1.0 clients
 * with and without keep-alive. It answers {@code /} (a page naming the server), {@code /hello}
 * ({@code Hello, World!}), {@code /healthz} ({@code ok}), the routes others add to {@link
 * HttpRoutes}, the files under option {@code root}, and the WebSocket endpoints (with their pages)
 * that plugins contribute through {@link io.jselectors.protocol.WebSocketEndpointProvider}, such as
 * the chat's {@code /chat}: options {@code endpoint.NAME} (a path, or {@code off}) and {@code
 * endpoint.NAME.origins}; two on one path stop the listener from starting.
 *
 * <p>Options: {@code root} (a directory of static files; none by default), {@code max-body}
 * (bytes, default {@value HttpLimits#DEFAULT_MAX_BODY}), {@code header-timeout} and {@code
 * body-timeout} ({@code 10}, {@code 10s} or {@code 500ms}; default 10 s each), {@code
 * min-body-rate} (bytes per second, default {@value HttpLimits#DEFAULT_MIN_BODY_RATE}, 0 for none),
 * {@code access-log} ({@code true}: one INFO line per answered request on the logger {@code
 * io.jselectors.access}; default false). Bounds are in {@link HttpLimits}; meters are {@code jselectors.http.requests}, {@code
 * jselectors.http.request.duration} and {@code jselectors.http.rejected}.
 *
 * <p>Embedding: another part of the server that wants HTTP with its own paths (the admin
 * listener's {@code /metrics}) makes a protocol of its own with {@link #embedded}, not by reaching
 * into this one's listener state.
 *
 * {@snippet :
 * try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
 *     TestConnection connection = tester.connect();
 *     connection.receive("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
 *     assertThat(connection.takeOutputString()).endsWith("\r\n\r\nHello, World!");
 * }
 * }
 */
public final class HttpProtocol implements Protocol {

    /** The port a listener uses when none is given (80 is privileged). */
    public static final int DEFAULT_PORT = 8080;

    /** What the {@code Server} field says. */
    public static final String SERVER_NAME = "jselectors";

    /**
     * Seconds a client refused at {@code --max-connections} is asked to wait before retrying
     * ({@code Retry-After}): 1 s, long enough for connections to finish or time out, short enough
     * that a browser's retry is not felt as an outage.
     */
    public static final int REFUSAL_RETRY_AFTER_SECONDS = 1;

    private static final String REFUSAL_BODY = "503 Service Unavailable: the server is full, try again later\n";

    /** The whole answer to a refused connection; no Date field (RFC 9110 section 6.6.1 makes it optional for 5xx). */
    private static final byte[] REFUSAL = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Server: " + SERVER_NAME + "\r\n"
            + "Retry-After: " + REFUSAL_RETRY_AFTER_SECONDS + "\r\n"
            + "Connection: close\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + REFUSAL_BODY.length() + "\r\n"
            + "\r\n"
            + REFUSAL_BODY).getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final int defaultPort;
    private final String description;
    /** What adds the embedder's routes to each listener's table; {@code null} for the built-in pages. */
    private final Consumer<HttpRoutes> routes;

    /** Creates the protocol; the server finds it with {@link java.util.ServiceLoader}. */
    public HttpProtocol() {
        this("http", DEFAULT_PORT, "HTTP/1.1: /, /hello, /healthz, added routes, static files from option root", null);
    }

    private HttpProtocol(String name, int defaultPort, String description, Consumer<HttpRoutes> routes) {
        this.name = name;
        this.defaultPort = defaultPort;
        this.description = description;
        this.routes = routes;
    }

    /**
     * An HTTP/1.1 protocol for an embedder: the same parser, limits, options and meters, serving
     * only the routes {@code routes} adds (it is called once per listener, with that listener's
     * empty table) and, if option {@code root} is given, static files. None of the built-in pages
     * ({@code /}, {@code /hello}, {@code /healthz}) exist unless {@code routes} adds them. Not a
     * {@link java.util.ServiceLoader} plugin: the embedder hands it to the server itself.
     *
     * {@snippet :
     * Protocol admin = HttpProtocol.embedded("admin", 9100, "admin HTTP: /metrics", routes -> routes
     *         .add("/metrics", request -> HttpResponse.of(200, "text/plain; version=0.0.4", scrape())));
     * }
     *
     * @param name the protocol's name, as in logs and meter tags
     * @param defaultPort the port a listener takes when none is given
     * @param description one line for {@code jselectors protocols}
     * @param routes adds the embedder's routes to a listener's table
     */
    public static HttpProtocol embedded(String name, int defaultPort, String description, Consumer<HttpRoutes> routes) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("an embedded HTTP protocol needs a name");
        }
        return new HttpProtocol(name, defaultPort, Objects.requireNonNull(description, "description"),
                Objects.requireNonNull(routes, "routes"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int defaultPort() {
        return defaultPort;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Object createSharedState(ListenerContext listener) {
        HttpListenerState state = new HttpListenerState(listener, Clock.systemUTC(), routes == null);
        if (routes != null) {
            routes.accept(state.routes());
        }
        return state;
    }

    @Override
    public ProtocolHandler newHandler(ListenerContext listener) {
        return new HttpHandler(listener.sharedState(HttpListenerState.class));
    }

    /** {@code 503 Service Unavailable} with {@code Retry-After} and {@code Connection: close}. */
    @Override
    public byte[] refusal() {
        return REFUSAL.clone();
    }
}
