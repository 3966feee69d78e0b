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
        return start(transport, selector, idle, maxConnections, Map.of());
    }

    private InetSocketAddress start(String transport, String selector, Duration idle, int maxConnections,
            Map<String, String> chatOptions) throws IOException {
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("chat=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(2)
                .withTransport(transport, selector)
                .withLimits(idle, maxConnections, Duration.ofSeconds(3))
                .withOptions(Map.of("chat", chatOptions));
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

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void aLineDrippedByteByByteIsCutAtTheLineTimeoutThoughEachByteBeatsTheIdleTimeout(String transport, String selector)
            throws Exception {
        // Idle timeout 2 s, each byte 250 ms apart: only the line timeout (1 s from the first byte) can end it.
        InetSocketAddress address = start(transport, selector, Duration.ofSeconds(2), 100, Map.of("line-timeout", "1"));
        try (RawClient drip = new RawClient(address)) {
            drip.await("* pick a nick");
            long started = System.nanoTime();
            String told = null;
            for (int i = 0; i < 400 && told == null; i++) { // at most 100 s of dripping: bounded
                drip.send("x");
                if (drip.closedWithin(250)) {
                    told = "closed";
                }
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(told).as("the server ended the drip").isEqualTo("closed");
            assertThat(tookMillis).as("not before the line timeout").isGreaterThanOrEqualTo(1000);
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void theDripperIsToldWhy(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, Duration.ZERO, 100, Map.of("line-timeout", "1"));
        try (RawClient drip = new RawClient(address)) {
            drip.await("* pick a nick");
            drip.send("half a line");
            assertThat(drip.await("! ")).isEqualTo("! disconnected: a line took too long to arrive");
            assertThat(drip.readLine()).as("then the connection closes").isNull();
        }
    }

    private double closedBy(String cause) {
        return registry.get("jselectors.connections.closed").tag("cause", cause).counter().count();
    }
}
