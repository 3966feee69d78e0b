package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example daytime plugin, loaded from a plugins directory beside a broken jar, served by a real
 * server on 127.0.0.1 and asked the time over a socket; and a WebSocket endpoint plugin (a jar with
 * a {@code WebSocketEndpointProvider} and no protocol, its class on no class path but the jar's)
 * served by the http listener and talked to by the JDK's WebSocket client.
 */
class PluginDirectoryServerTest {

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

    private InetSocketAddress start(Map<String, Map<String, String>> options) throws IOException {
        return start("daytime", options);
    }

    private InetSocketAddress start(String protocol, Map<String, Map<String, String>> options) throws IOException {
        ClassLoader serverLoader = getClass().getClassLoader();
        Protocols protocols = Protocols.load(serverLoader);
        loaded = PluginLoader.load(plugins, serverLoader);
        loaded.addTo(protocols);
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse(protocol + "=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1)
                .withLimits(Duration.ofSeconds(30), 100, Duration.ofSeconds(2))
                .withOptions(options);
        server = Server.start(settings, protocols, new SimpleMeterRegistry());
        return server.address(protocol);
    }

    /** Connects, reads until the server closes (bounded by a read timeout), returns what came. */
    private static String ask(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(1024); // returns early at end of stream: the server closed
            return new String(reply, StandardCharsets.US_ASCII);
        }
    }

    @Test
    void servesTheTimeFromAPluginJarBesideBrokenOnes() throws IOException {
        jars.daytime(plugins);
        Files.write(plugins.resolve("x.jar"), new byte[] {0x50, 0x4b, 0x03, 0x04, 1, 2, 3});
        jars.jar(plugins, "missing-class.jar", "test.gone.Missing");
        InetSocketAddress address = start(Map.of());

        assertThat(loaded.failures()).extracting(f -> f.jar().getFileName().toString())
                .containsExactly("missing-class.jar", "x.jar");
        String reply = ask(address);
        assertThat(reply).endsWith(" GMT\r\n");
        ZonedDateTime sent = ZonedDateTime.parse(reply.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
        // A sanity bound on the clock, not a timing assertion: the line is today's date, not a constant.
        assertThat(Duration.between(sent, ZonedDateTime.now()).abs()).isLessThan(Duration.ofHours(1));
    }

    @Test
    void optionsReachThePlugin() throws IOException {
        jars.daytime(plugins);
        InetSocketAddress address = start(Map.of("daytime", Map.of("zone", "+09:00")));
        String reply = ask(address);
        assertThat(reply).endsWith(" +0900\r\n");
        assertEquals(1, reply.lines().count());
    }

    private static final String SHOUT = "test.ws.ShoutEndpoints";

    /** Opens a WebSocket on {@code path}, sends {@code text}, returns the answer, closes normally. */
    private static String shout(InetSocketAddress address, String path, String text) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + address.getPort() + path);
        try (HttpClient http = HttpClient.newHttpClient();
                JdkWebSocketChatClient client = new JdkWebSocketChatClient(http, uri)) {
            client.send(text);
            String answer = client.await(text.toUpperCase(Locale.ROOT));
            assertThat(client.closeWith(WebSocket.NORMAL_CLOSURE, "done")).isEqualTo(WebSocket.NORMAL_CLOSURE);
            return answer;
        }
    }

    @Test
    void aWebSocketEndpointFromAPluginJarAnswersAnUpgrade() throws Exception {
        jars.endpointJar(plugins, "shout.jar", SHOUT);
        InetSocketAddress address = start("http", Map.of());

        assertThat(loaded.failures()).isEmpty();
        assertThat(loaded.protocols()).isEmpty();
        assertThat(loaded.endpoints()).extracting(PluginLoader.Endpoint::name).containsExactly("shout");
        assertThat(shout(address, "/shout", "hello from a plugin")).isEqualTo("HELLO FROM A PLUGIN");
    }

    @Test
    void theListenerOptionMovesThePluginEndpoint() throws Exception {
        jars.endpointJar(plugins, "shout.jar", SHOUT);
        InetSocketAddress address = start("http", Map.of("http", Map.of("endpoint.shout", "/loud")));

        assertThat(shout(address, "/loud", "moved")).isEqualTo("MOVED");
    }
}
