package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile HTTP clients over real sockets on 127.0.0.1 (issue 13): each test is what a client did
 * to hold a connection or memory it should not have, and what it must get instead.
 */
class HttpHostileServerTest {

    private Server server;
    private SimpleMeterRegistry registry;

    static Stream<Arguments> transports() {
        return Stream.of(Arguments.of("native", "epoll"), Arguments.of("nio", "nio"));
    }

    private InetSocketAddress start(String transport, String selector, int maxConnections, Map<String, String> options)
            throws IOException {
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("http=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(2)
                .withTransport(transport, selector)
                .withLimits(Duration.ZERO, maxConnections, Duration.ofSeconds(3)) // no idle timeout: the HTTP timers must hold alone
                .withOptions(Map.of("http", options));
        registry = new SimpleMeterRegistry();
        server = Server.start(settings, registry);
        return server.address("http");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    /** Short timers for the tests; the defaults are 10 s. */
    private static final Map<String, String> SHORT_TIMERS = Map.of("header-timeout", "500ms", "body-timeout", "500ms");

    /** Item 1: empty lines before a request start its header timer; none of them refresh it. */
    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void aCrlfDripBeforeTheRequestLineGets408AtTheHeaderTimeout(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, 100, SHORT_TIMERS);
        try (RawClient drip = new RawClient(address)) {
            drip.send("\r\n");
            Thread.sleep(200);
            drip.send("\r\n"); // then nothing: before the fix nothing ever timed this out
            assertThat(drip.readToEnd()).startsWith("HTTP/1.1 408 ").contains("Connection: close");
        }
    }

    /** Item 1: a bounded number of empty lines is ignored; more is not a request. */
    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void tooManyEmptyLinesBeforeARequestGet400(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, 100, Map.of());
        try (RawClient ok = new RawClient(address); RawClient drip = new RawClient(address)) {
            ok.send("\r\n".repeat(io.jselectors.protocol.http.HttpLimits.MAX_EMPTY_LINES) + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(ok.readUntil("Hello, World!")).startsWith("HTTP/1.1 200 ");
            drip.send("\r\n".repeat(io.jselectors.protocol.http.HttpLimits.MAX_EMPTY_LINES + 1));
            assertThat(drip.readToEnd()).startsWith("HTTP/1.1 400 ");
        }
    }

    /** Item 2: a body that stops coming gets 408 at the body timeout. */
    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void aStalledBodyGets408AtTheBodyTimeout(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, 100, SHORT_TIMERS);
        try (RawClient stalled = new RawClient(address)) {
            stalled.send("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" + "x".repeat(1000));
            assertThat(stalled.readToEnd()).startsWith("HTTP/1.1 408 ");
        }
    }

    /**
     * Item 2: one byte just inside every body timeout never trips it; the minimum rate does. Here
     * 1 byte every 200 ms (5 B/s) against a 500 ms body timeout and a 100 B/s minimum.
     */
    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void aBodyDripBelowTheMinimumRateGets408(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, 100,
                Map.of("header-timeout", "500ms", "body-timeout", "500ms", "min-body-rate", "100"));
        try (RawClient drip = new RawClient(address)) {
            drip.send("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n");
            boolean closed = false;
            // Bounded: 150 bytes at 200 ms is 30 s, sixty times the time the server should allow.
            for (int i = 0; i < 150 && !closed; i++) {
                try {
                    drip.send("x");
                } catch (IOException reset) {
                    closed = true;
                    break;
                }
                closed = drip.closedWithin(200);
            }
            assertThat(closed).as("closed by the minimum body rate").isTrue();
        }
    }

    /**
     * Item 3: a declared body reserves nothing it has not received. Each client announces 1 MiB
     * and waits for {@code 100 Continue}, which the server sends once the head is parsed and the
     * body buffer made; before the fix that buffer was the whole MiB.
     */
    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void announcedBodiesReserveNoMemoryBeforeTheyArrive(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, 100, Map.of());
        int clients = 40;
        long before = io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        List<RawClient> announcers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                RawClient c = new RawClient(address);
                announcers.add(c);
                c.send("POST /hello HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1048576\r\n\r\nabc");
                assertThat(c.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 100 Continue");
            }
            long grown = io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - before;
            assertThat(grown).as("direct memory held for %d announced MiB-bodies of 3 bytes", clients)
                    .isLessThan(16L << 20);
        } finally {
            for (RawClient c : announcers) {
                c.close();
            }
        }
    }

    /** Item 4: RFC 9112 section 3.2, a Host with an invalid value MUST get 400. */
    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void invalidHostValuesGet400(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, 100, Map.of());
        for (String host : List.of("a b", "u@x", "x/y", "[::1", "x:80a")) {
            try (RawClient client = new RawClient(address)) {
                client.send("GET /hello HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
                assertThat(client.readToEnd()).as("Host: %s", host).startsWith("HTTP/1.1 400 ").contains("Connection: close");
            }
        }
        for (String host : List.of("example.com", "127.0.0.1:8080", "[::1]:80", "", "xn--bcher-kva.example")) {
            try (RawClient client = new RawClient(address)) {
                client.send("GET /hello HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertThat(client.readToEnd()).as("Host: %s", host).startsWith("HTTP/1.1 200 ");
            }
        }
    }

    /** Item 5: an unknown method is 501 (RFC 9110 section 9.1); HTTP/1.2 is served as 1.1 (section 2.5). */
    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void unknownMethodsGet501AndALaterMinorVersionIsServedAs11(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, 100, Map.of());
        try (RawClient client = new RawClient(address)) {
            client.send("FOO /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readUntil("501 Not Implemented\n")).startsWith("HTTP/1.1 501 ");
            client.send(("M".repeat(100)) + " /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readUntil("501 Not Implemented\n")).startsWith("HTTP/1.1 501 ");
            client.send("GET /hello HTTP/1.2\r\nHost: x\r\n\r\n");
            assertThat(client.readUntil("Hello, World!")).startsWith("HTTP/1.1 200 ");
        }
    }

    /** Item 6: a browser or curl sees a 503 it can act on, not a reset. */
    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void aClientRefusedAtMaxConnectionsGets503WithRetryAfter(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, 1, Map.of());
        try (RawClient admitted = new RawClient(address)) {
            admitted.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").readUntil("Hello, World!");
            try (RawClient refused = new RawClient(address)) {
                refused.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                String answer = refused.readToEnd();
                assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                        .contains("\r\nRetry-After: 1\r\n", "\r\nConnection: close\r\n")
                        .endsWith("try again later\n");
            }
            admitted.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").readUntil("Hello, World!");
        }
        assertThat(registry.get("jselectors.connections.closed").tag("cause", "limit").counter().count()).isEqualTo(1);
    }
}
