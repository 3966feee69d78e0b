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
