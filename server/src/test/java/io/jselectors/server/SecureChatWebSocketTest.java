package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.server.tls.CertifiedKey;
import io.jselectors.server.tls.RecordingObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code wss://}: a server with an {@code http+tls} listener (a self-signed certificate) and a plain
 * {@code chat} listener, as {@code serve --listen http+tls=... --listen chat=...} starts them. A
 * foreign client, the JDK's {@link HttpClient} trusting only the test certificate, gets the chat
 * page over https and joins a room over a TLS WebSocket, where it talks to an nc-style line user.
 */
class SecureChatWebSocketTest {

    private static final Duration WAIT = JdkWebSocketChatClient.WAIT;

    private static CertifiedKey key;

    private Server server;
    private TlsTestServer running;

    @BeforeAll
    static void certificate() throws Exception {
        key = TlsTestServer.localhostKey();
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private void start() throws Exception {
        List<ServerSettings.ListenerSpec> listeners = List.of(
                ServerSettings.ListenerSpec.parse("http+tls=127.0.0.1:0", "127.0.0.1"),
                ServerSettings.ListenerSpec.parse("chat=127.0.0.1:0", "127.0.0.1"));
        ServerSettings settings = ServerSettings.defaults(listeners).withWorkers(2).withOptions(Map.of());
        running = TlsTestServer.start(settings, key, new RecordingObserver());
        server = running.server();
    }

    @Test
    void theChatPageAndAWebSocketOverTlsShareARoomWithALineUser() throws Exception {
        start();
        String origin = "https://localhost:" + server.address("http").getPort();
        try (HttpClient client = HttpClient.newBuilder().sslContext(TlsTestServer.trusting(key))
                .connectTimeout(WAIT).build()) {
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(origin + "/chat")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(page.body()).containsIgnoringCase("<html").contains("WebSocket");

            try (JdkWebSocketChatClient web = new JdkWebSocketChatClient(client,
                            URI.create("wss://localhost:" + server.address("http").getPort() + "/chat"));
                    LineChatClient nc = new LineChatClient(server.address("chat"), WAIT)) {
                web.await("welcome");
                nc.await("welcome");
                nc.send("/nick carol");
                nc.send("/join dev");
                nc.await("* carol joined");
                web.send("/nick secure");
                web.await("is now known as secure");
                web.send("/join dev");
                assertThat(nc.await("* secure joined")).isEqualTo("[dev] * secure joined");
                web.send("hello over wss");
                assertThat(nc.await("hello over wss")).isEqualTo("[dev] secure: hello over wss");
                nc.send("hello over tcp");
                assertThat(web.await("hello over tcp")).isEqualTo("[dev] carol: hello over tcp");
                nc.send("/msg secure psst");
                assertThat(web.await("psst")).isEqualTo("[pm] carol: psst");
                assertThat(web.closeWith(WebSocket.NORMAL_CLOSURE, "bye")).as("the close code echoed").isEqualTo(WebSocket.NORMAL_CLOSURE);
                assertThat(nc.await("* secure ")).as("the room is told").startsWith("[dev] * secure ");
            }
        }
    }
}
