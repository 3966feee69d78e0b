package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chat users the server has to turn away, over real sockets on 127.0.0.1: an idle user is told
 * why before being dropped (issue 13 item 7), and a user refused at --max-connections gets one
 * line instead of a bare EOF (item 6).
 */
class ChatHostileServerTest {

    /** Short enough to keep the test quick; the sweep runs every 100 ms at this setting. */
    private static final Duration IDLE = Duration.ofMillis(500);

    private Server server;
    private SimpleMeterRegistry registry;

    static Stream<Arguments> transports() {
        return Stream.of(Arguments.of("native", "epoll"), Arguments.of("nio", "nio"));
    }

    private InetSocketAddress start(String transport, String selector, Duration idle, int maxConnections)
            throws IOException {
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("chat=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(2)
                .withTransport(transport, selector)
                .withLimits(idle, maxConnections, Duration.ofSeconds(3));
        registry = new SimpleMeterRegistry();
        server = Server.start(settings, registry);
        return server.address("chat");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void anIdleUserIsToldWhyBeforeTheConnectionCloses(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, IDLE, 100);
        try (RawClient idle = new RawClient(address)) {
            idle.await("* pick a nick");
            // Sends nothing: the idle timeout closes it, after the notice.
            assertThat(idle.await("! ")).isEqualTo("! disconnected: idle for too long");
            assertThat(idle.readLine()).as("then the connection closes").isNull();
        }
        // The client can see EOF a moment before the server's loop counts the close.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (closedBy("idle") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(closedBy("idle")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void aUserRefusedAtMaxConnectionsGetsOneLine(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, Duration.ZERO, 1);
        try (RawClient admitted = new RawClient(address)) {
            admitted.await("* pick a nick");
            try (RawClient refused = new RawClient(address)) {
                assertThat(refused.readLine()).isEqualTo("! server is full, try again later");
                assertThat(refused.readLine()).as("then EOF").isNull();
            }
            admitted.send("/who\r\n");
            assertThat(admitted.await("* in lobby")).as("the admitted user carries on").contains("(1)");
        }
        assertThat(closedBy("limit")).isEqualTo(1);
    }

    private double closedBy(String cause) {
        return registry.get("jselectors.connections.closed").tag("cause", cause).counter().count();
    }
}
