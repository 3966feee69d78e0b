package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket endpoint from a plugin jar in a plugins directory (a {@code WebSocketEndpointProvider}
 * and its services file, no protocol), served by a real server's http listener on 127.0.0.1 and
 * talked to over a socket by the JDK's WebSocket client. The jar's class is not on the test class
 * path: only the plugin's own class loader can find it.
 */
class PluginEndpointServerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PROVIDER = "test.ws.ShoutEndpoints";

    @TempDir
    static Path work;

    private static PluginLoaderTest.PluginJars jars;

    @TempDir
    Path plugins;

    private Server server;
    private PluginLoader.Plugins loaded;

    @BeforeAll
    static void compile() throws IOException {
        jars = PluginLoaderTest.PluginJars.compile(work);
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.shutdown();
        }
        if (loaded != null) {
            loaded.close();
        }
    }

    private InetSocketAddress start(Map<String, String> httpOptions) throws IOException {
        jars.endpointJar(plugins, "shout.jar", PROVIDER);
        ClassLoader serverLoader = getClass().getClassLoader();
        Protocols protocols = Protocols.load(serverLoader);
        loaded = PluginLoader.load(plugins, serverLoader);
        loaded.addTo(protocols);
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("http=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1)
                .withOptions(Map.of("http", httpOptions));
        server = Server.start(settings, protocols, new SimpleMeterRegistry());
        return server.address("http");
    }

    /** Opens a WebSocket on {@code path}, sends {@code text}, returns the first text message back. */
    private static String exchange(InetSocketAddress address, String path, String text) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder parts = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                parts.append(data);
                if (last) {
                    reply.complete(parts.toString());
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                reply.completeExceptionally(error);
            }
        };
        URI uri = URI.create("ws://127.0.0.1:" + address.getPort() + path);
        try (HttpClient client = HttpClient.newHttpClient()) {
            WebSocket socket = client.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, listener)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            String answer = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return answer;
        }
    }

    @Test
    void anEndpointFromAPluginJarAnswersAnUpgrade() throws Exception {
        InetSocketAddress address = start(Map.of());

        assertThat(loaded.failures()).isEmpty();
        assertThat(loaded.protocols()).isEmpty();
        assertThat(loaded.endpoints()).extracting(PluginLoader.Endpoint::name).containsExactly("shout");
        assertThat(exchange(address, "/shout", "hello from a plugin")).isEqualTo("HELLO FROM A PLUGIN");
    }

    @Test
    void theListenerOptionMovesThePluginEndpoint() throws Exception {
        InetSocketAddress address = start(Map.of("endpoint.shout", "/loud"));

        assertThat(exchange(address, "/loud", "moved")).isEqualTo("MOVED");
    }
}
