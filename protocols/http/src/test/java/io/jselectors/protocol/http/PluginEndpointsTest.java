package io.jselectors.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketEndpointProvider;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Endpoints plugins contribute through {@link WebSocketEndpointProvider} ({@link TestEchoEndpoints} here). */
class PluginEndpointsTest {

    @Test
    void theHttpListenerServesAProvidersEndpointAndPageOnOnePath() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection page = tester.connect();
            page.receive("GET /echo-test HTTP/1.1\r\nHost: localhost:8080\r\n\r\n");
            assertThat(page.takeOutputString()).startsWith("HTTP/1.1 200 ").contains("Cache-Control: no-cache")
                    .endsWith("connect to /echo-test");

            TestConnection session = tester.connect();
            session.receive(WebSocketRequests.upgrade("/echo-test"));
            assertThat(session.takeOutputString()).startsWith("HTTP/1.1 101 ");
            session.receive(WebSocketRequests.maskedText("hello"));
            assertThat(new String(session.takeOutput(), StandardCharsets.ISO_8859_1)).isEqualTo("\u0081\u0005hello");

            session.receive(WebSocketRequests.maskedText("longer than sixteen bytes"));
            byte[] close = session.takeOutput();
            assertThat(close[0] & 0xFF).as("a close frame").isEqualTo(0x88);
            assertThat(((close[2] & 0xFF) << 8) | (close[3] & 0xFF)).as("the provider's cap: 1009").isEqualTo(1009);
        }
    }

    @Test
    void theHomePageLinksToTheProvidersPageEscaped() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection home = tester.connect();
            home.receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(home.takeOutputString()).contains("<a href=\"/echo-test\">Echo &lt;test&gt;</a>");
        }
    }

    @Test
    void anOptionMovesOrTurnsOffTheEndpoint() {
        try (ProtocolTester tester = ProtocolTester.builder(new HttpProtocol()).option("endpoint.echo-test", "/moved").build()) {
            TestConnection moved = tester.connect();
            moved.receive(WebSocketRequests.upgrade("/moved"));
            assertThat(moved.takeOutputString()).startsWith("HTTP/1.1 101 ");
            TestConnection old = tester.connect();
            old.receive("GET /echo-test HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(old.takeOutputString()).startsWith("HTTP/1.1 404 ");
        }
        try (ProtocolTester tester = ProtocolTester.builder(new HttpProtocol()).option("endpoint.echo-test", "off").build()) {
            TestConnection off = tester.connect();
            off.receive(WebSocketRequests.upgrade("/echo-test"));
            assertThat(off.takeOutputString()).startsWith("HTTP/1.1 404 ");
        }
    }

    @Test
    void anotherOriginIsRefusedUnlessListed() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection foreign = tester.connect();
            foreign.receive(WebSocketRequests.upgrade("/echo-test", "Origin: http://evil.example\r\n") + "\r\n");
            assertThat(foreign.takeOutputString()).startsWith("HTTP/1.1 403 ");
        }
        try (ProtocolTester tester = ProtocolTester.builder(new HttpProtocol())
                .option("endpoint.echo-test.origins", "http://friend.example").build()) {
            TestConnection friend = tester.connect();
            friend.receive(WebSocketRequests.upgrade("/echo-test", "Origin: http://friend.example\r\n") + "\r\n");
            assertThat(friend.takeOutputString()).startsWith("HTTP/1.1 101 ");
        }
    }

    @Test
    void endpointsCloseWithTheListener() {
        int before = TestEchoEndpoints.OPEN.get();
        ProtocolTester tester = ProtocolTester.of(new HttpProtocol());
        assertThat(TestEchoEndpoints.OPEN.get()).isEqualTo(before + 1);
        tester.close();
        assertThat(TestEchoEndpoints.OPEN.get()).isEqualTo(before);
    }

    @Test
    void twoEndpointsOnOnePathOrOnABuiltInRouteStopTheStart() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            ListenerContext listener = tester.context();
            HttpRoutes routes = new HttpRoutes().add("/hello", request -> HttpResponse.text(200, "hi\n"));
            assertThatThrownBy(() -> PluginEndpoints.mount(listener, routes, List.of(provider("a", "/x"), provider("b", "/x"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("WebSocket endpoint b and endpoint a both want path /x (move one with --option http.endpoint.b=/other-path)");
            assertThatThrownBy(() -> PluginEndpoints.mount(listener, routes, List.of(provider("c", "/hello"))))
                    .hasMessageStartingWith("WebSocket endpoint c and the listener's own route both want path /hello");
            assertThatThrownBy(() -> PluginEndpoints.mount(listener, routes, List.of(provider("d", "relative"))))
                    .hasMessage("http option endpoint.d must be a path starting with / (or off): relative");
        }
    }

    @Test
    void aClashOnTheServedListenerIsAStartUpError() {
        assertThatThrownBy(() -> ProtocolTester.builder(new HttpProtocol()).option("endpoint.echo-test", "/healthz").build())
                .hasMessage("WebSocket endpoint echo-test and the listener's own route both want path /healthz"
                        + " (move one with --option http.endpoint.echo-test=/other-path)");
    }

    private static WebSocketEndpointProvider provider(String name, String path) {
        return new WebSocketEndpointProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String defaultPath() {
                return path;
            }

            @Override
            public WebSocketEndpoint newEndpoint(ListenerContext listener, String at) {
                return new WebSocketEndpoint() {};
            }
        };
    }
}
