package io.jselectors.protocol.http;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * HTTP/1.1 (RFC 9110, RFC 9112) on port {@value #DEFAULT_PORT}: persistent connections and
 * pipelining, chunked and sized request bodies, {@code Expect: 100-continue}, HTTP/1.0 clients
 * with and without keep-alive. It answers {@code /} (a page naming the server), {@code /hello}
 * ({@code Hello, World!}), {@code /healthz} ({@code ok}), the routes others add to {@link
 * HttpRoutes}, and the files under option {@code root}.
 *
 * <p>The shared state of a listener is an {@link HttpListenerState}: that is where routes are
 * added and options read. Bounds are in {@link HttpLimits}; meters are {@code
 * jselectors.http.requests}, {@code jselectors.http.request.duration} and {@code
 * jselectors.http.rejected}.
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

    /** Creates the protocol; the server finds it with {@link java.util.ServiceLoader}. */
    public HttpProtocol() {}

    @Override
    public String name() {
        return "http";
    }

    @Override
    public int defaultPort() {
        return DEFAULT_PORT;
    }

    @Override
    public String description() {
        return "HTTP/1.1: /, /hello, /healthz, added routes, static files from option root";
    }

    @Override
    public Object createSharedState(ListenerContext listener) {
        return new HttpListenerState(listener, Clock.systemUTC());
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
