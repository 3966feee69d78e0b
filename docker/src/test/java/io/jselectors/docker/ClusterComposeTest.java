package io.jselectors.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.containers.DockerComposeContainer;

/**
 * docker/compose.cluster.yaml brought up by Testcontainers (the local docker-compose, nothing
 * pulled): a NATS broker image built from the Debian package on the local base, three replicas of
 * the jselectors image, and users on different replicas chatting with each other. Ports are free
 * ones chosen here, passed as the file's variables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterComposeTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final Map<String, String> env = new HashMap<>();
    private final List<Integer> chatPorts = new ArrayList<>();
    private final List<Integer> adminPorts = new ArrayList<>();
    private DockerComposeContainer<?> stack;

    @BeforeAll
    void up() throws Exception {
        Images.requireJar();
        Images.requireEngine();
        Images.build(Images.baseImage());
        buildBrokerImages();
        env.put("BIND", "127.0.0.1");
        int broker = freePort();
        env.put("BROKER_PORT", Integer.toString(broker));
        env.put("CLUSTER_URL", "nats://127.0.0.1:" + broker);
        env.put("CLUSTER_NAME", "composetest");
        for (int i = 1; i <= 3; i++) {
            int chat = freePort();
            chatPorts.add(chat);
            env.put("CHAT_" + i + "_PORT", Integer.toString(chat));
            int admin = freePort();
            adminPorts.add(admin);
            env.put("ADMIN_" + i + "_PORT", Integer.toString(admin));
        }
        stack = new DockerComposeContainer<>(new File(Images.dockerDir().toFile(), "compose.cluster.yaml"))
                .withEnv(env)
                .withPull(false)
                .withBuild(false);
        stack.start();
        // The admin listener opens last: once it answers, the replica's chat loop is running.
        for (int port : adminPorts) {
            awaitPort(port);
        }
    }

    /** docker/build-broker-images.sh, idempotent: it leaves current images alone. */
    private static void buildBrokerImages() throws IOException, InterruptedException {
        Path script = Images.dockerDir().resolve("build-broker-images.sh");
        Path log = Files.createTempFile("build-broker-images", ".log");
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        Images.require(exit == 0, "docker/build-broker-images.sh failed (exit " + exit + "): " + Files.readString(log));
    }

    @AfterAll
    void down() {
        if (stack != null) {
            // The replicas' and the broker's logs, for a failure seen only in CI.
            for (String service : List.of("nats", "chat-1", "chat-2", "chat-3")) {
                stack.getContainerByServiceName(service).ifPresent(c -> System.out.println(
                        "--- " + service + " log:\n" + c.getLogs()));
            }
            stack.stop();
        }
    }

    @Test
    void usersOnDifferentReplicasShareTheLobby() throws Exception {
        try (LineClient ann = user(chatPorts.get(0), "ann");
                LineClient bob = user(chatPorts.get(1), "bob");
                LineClient cat = user(chatPorts.get(2), "cat")) {
            // Presence converges within a heartbeat; ask until all three are listed.
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            String who;
            do {
                assertThat(System.nanoTime() - deadline).as("/who lists all three replicas' users").isNegative();
                ann.send("/who");
                who = ann.readUntil(l -> l.startsWith("* in lobby"));
            } while (!(who.contains("bob") && who.contains("cat")));
            ann.send("hello from replica 1");
            assertThat(bob.readUntil(l -> l.contains("ann: hello"))).isEqualTo("[lobby] ann: hello from replica 1");
            assertThat(cat.readUntil(l -> l.contains("ann: hello"))).isEqualTo("[lobby] ann: hello from replica 1");
            cat.send("/msg bob psst");
            assertThat(bob.readUntil(l -> l.startsWith("[pm]"))).isEqualTo("[pm] cat: psst");
            bob.send("/nick ann");
            assertThat(bob.readUntil(l -> l.startsWith("! "))).isEqualTo("! nick ann is taken");
        }
    }

    /** Connects and takes the nick, asking again while the replica has not reached the broker yet. */
    private static LineClient user(int port, String nick) throws Exception {
        LineClient client = new LineClient(port);
        client.readUntil(l -> l.startsWith("* pick a nick"));
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            client.send("/nick " + nick);
            String answer = client.readUntil(l -> l.contains("is now known as " + nick) || l.startsWith("! "));
            if (!answer.startsWith("! ")) {
                return client;
            }
            // Not reached the broker yet, or a claim that failed in flight: both say to try again.
            assertThat(answer).matches("! (other instances are unreachable|nick " + nick + " could not be checked).*");
            assertThat(System.nanoTime() - deadline).as("replica on " + port + " reached the broker").isNegative();
            Thread.sleep(200);
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                probe.shutdownOutput();
                return;
            } catch (IOException notYet) {
                assertThat(System.nanoTime() - deadline).as("replica listening on " + port).isNegative();
                Thread.sleep(200);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
