package io.jselectors.protocol.http;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
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
}
