package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example daytime plugin, loaded from a plugins directory beside a broken jar, served by a real
 * server on 127.0.0.1 and asked the time over a socket.
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
        ClassLoader serverLoader = getClass().getClassLoader();
        Protocols protocols = Protocols.load(serverLoader);
        loaded = PluginLoader.load(plugins, serverLoader);
        loaded.addTo(protocols);
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("daytime=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1)
                .withLimits(Duration.ofSeconds(30), 100, Duration.ofSeconds(2))
                .withOptions(options);
        server = Server.start(settings, protocols, new SimpleMeterRegistry());
        return server.address("daytime");
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
}
