package io.jselectors.server.cluster;

import io.jselectors.server.Server;
import io.jselectors.server.ServerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One chat server of the cluster: in this JVM (with its own meters), or a separate java process that can be killed. */
interface Instance extends AutoCloseable {

    InetSocketAddress address();

    /** Two worker loops in this JVM, so rooms also span loops on each instance. */
    static InJvm inJvm(String brokerUrl, String cluster) throws IOException {
        return inJvm(Map.of("cluster", brokerUrl, "cluster-name", cluster));
    }

    /** With these chat options (cluster, cluster-name, cluster-user, cluster-password, ...). */
    static InJvm inJvm(Map<String, String> chatOptions) throws IOException {
        return inJvm(chatOptions, "chat");
    }

    /** With these listeners (in this order; {@code http} adds the {@code /chat} WebSocket) and chat options. */
    static InJvm inJvm(Map<String, String> chatOptions, String... protocols) throws IOException {
        MeterRegistry registry = new SimpleMeterRegistry();
        ServerSettings settings = ServerSettings.defaults(Stream.of(protocols)
                        .map(protocol -> ServerSettings.ListenerSpec.parse(protocol + "=127.0.0.1:0", "127.0.0.1")).toList())
                .withWorkers(2)
                .withLimits(Duration.ZERO, 10_000, Duration.ofSeconds(2))
                .withOptions(Map.of("chat", chatOptions));
        return new InJvm(Server.start(settings, registry), registry);
    }

    record InJvm(Server server, MeterRegistry registry) implements Instance {
        @Override
        public InetSocketAddress address() {
            return server.address("chat");
        }

        double meter(String name) {
            var gauge = registry.find(name).gauge();
            if (gauge != null) {
                return gauge.value();
            }
            return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
        }

        @Override
        public void close() {
            server.shutdown();
        }
    }

    /** {@code jselectors serve} in its own JVM, from this test's class path. */
    static Process process(String brokerUrl, String cluster, int port, Path log) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.jselectors.server.Main", "serve", "--listen", "chat=127.0.0.1:" + port, "--admin", "off",
                "--workers", "1", "--cluster", brokerUrl, "--cluster-name", cluster)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                probe.shutdownOutput();
                return p;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                    p.destroyForcibly();
                    throw new IOException("jselectors serve did not open port " + port + ": " + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }
    }
}
