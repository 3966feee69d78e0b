package io.jselectors.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HealthCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The image as an operator runs it: built from docker/Dockerfile, started with Testcontainers on the
 * host network (which every engine has, with or without a bridge; PublishedPortsTest covers
 * {@code -p} on a bridge) with listeners on free 127.0.0.1 ports, talked to over
 * real sockets, and stopped with {@code docker stop}. Parts for protocols or the admin listener that
 * the image does not have yet are skipped, naming what is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerContainerTest {

    private static final Duration DRAIN = Duration.ofSeconds(3);
    private static final String SHUTDOWN_LINE = "* server shutting down, bye";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private Set<String> protocols;
    private boolean admin;
    private int adminPort;
    private GenericContainer<?> server;

    @BeforeAll
    void startImage() throws Exception {
        Images.requireJar();
        Images.requireEngine();
        String base = Images.baseImage();
        Images.build(base);

        // What this build of the server has: `jselectors protocols` and the admin listener's option.
        protocols = parseProtocols(Images.runOnce("protocols"));
        admin = Images.runOnce("serve", "--help").contains("--admin");
        System.out.println("image built on " + base + "; protocols " + protocols + "; admin listener "
                + (admin ? "yes" : "no"));
        assertThat(protocols).as("`jselectors protocols` in the image").contains("echo");

        for (String protocol : List.of("echo", "chat", "http")) {
            if (protocols.contains(protocol)) {
                ports.put(protocol, freePort());
            }
        }
        adminPort = freePort();
        String listen = ports.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));

        server = new GenericContainer<>(DockerImageName.parse(Images.TAG))
                .withNetworkMode("host")
                .withEnv("JSELECTORS_HOST", "127.0.0.1")
                .withEnv("JSELECTORS_LISTEN", listen)
                .withEnv("JSELECTORS_ADMIN", "127.0.0.1:" + adminPort)
                .withEnv("JSELECTORS_WORKERS", "2")
                .withEnv("JSELECTORS_DRAIN_TIMEOUT", DRAIN.toSeconds() + "s")
                // The image's own check, every second instead of every 15 (the test is inherited).
                .withCreateContainerCmdModifier(cmd -> cmd.withHealthcheck(new HealthCheck()
                        .withInterval(Duration.ofSeconds(1).toNanos())
                        .withTimeout(Duration.ofSeconds(3).toNanos())
                        .withStartPeriod(Duration.ofSeconds(1).toNanos())
                        .withRetries(30)))
                .waitingFor(Wait.forLogMessage(".*listening: echo.*\\n", 1)
                        .withStartupTimeout(Duration.ofSeconds(60)));
        long start = System.nanoTime();
        server.start();
        echoRoundTrip(new byte[] {42});
        System.out.printf("container start to first echo reply: %d ms (Testcontainers' own calls included)%n",
                (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    void removeContainer() {
        if (server != null) {
            System.out.println("server log:\n" + server.getLogs());
            try {
                server.stop();
            } catch (RuntimeException e) {
                System.out.println("removing the container: " + e);
            }
            Images.pruneSuperseded();
        }
    }

    @Test
    @Order(1)
    void runsAsANonRootUser() {
        InspectContainerResponse inspect = docker().inspectContainerCmd(server.getContainerId()).exec();
        assertThat(inspect.getConfig().getUser()).isEqualTo("10001:10001");
        assertThat(server.getLogs()).contains("listening: echo on 127.0.0.1:" + ports.get("echo"));
    }

    @Test
    @Order(2)
    void echoesBytesBack() throws IOException {
        byte[] data = new byte[256 * 1024];
        new Random(9).nextBytes(data);
        assertThat(echoRoundTrip(data)).isEqualTo(data);
    }

    @Test
    @Order(3)
    void twoChatClientsTalk() throws IOException {
        Images.require(protocols.contains("chat"), "no chat protocol in the image (`jselectors protocols`: " + protocols + ")");
        try (LineClient ada = new LineClient(ports.get("chat")); LineClient bob = new LineClient(ports.get("chat"))) {
            ada.readUntil(line -> line.startsWith("* welcome"));
            bob.readUntil(line -> line.startsWith("* welcome"));
            ada.send("/nick ada");
            ada.readUntil(line -> line.contains("is now known as ada"));
            bob.send("/nick bob");
            bob.readUntil(line -> line.contains("is now known as bob"));
            ada.send("hello from ada");
            assertThat(bob.readUntil(line -> line.contains("hello from ada"))).isEqualTo("[lobby] ada: hello from ada");
            bob.send("/msg ada psst");
            assertThat(ada.readUntil(line -> line.contains("psst"))).isEqualTo("[pm] bob: psst");
        }
    }

    @Test
    @Order(4)
    void servesHello() throws Exception {
        Images.require(protocols.contains("http"), "no http protocol in the image (`jselectors protocols`: " + protocols + ")");
        HttpResponse<String> response = get("http://127.0.0.1:" + ports.get("http") + "/hello");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello, World!");
    }

    @Test
    @Order(5)
    void exposesMetricsAndHealth() throws Exception {
        Images.require(admin, "no admin listener in the image (`jselectors serve --help` has no --admin): no /metrics or /healthz yet");
        echoRoundTrip("counted".getBytes());
        HttpResponse<String> metrics = get("http://127.0.0.1:" + adminPort + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jselectors_connections_accepted_total{").contains("jselectors_connections_active{");
        // Every series the provisioned Grafana dashboard plots is one the server really exposes.
        assertThat(metricNames(metrics.body())).containsAll(dashboardMetricNames());
        assertThat(get("http://127.0.0.1:" + adminPort + "/healthz").statusCode()).isEqualTo(200);
        assertThat(awaitHealth("healthy")).as("docker's health status from the image's HEALTHCHECK").isEqualTo("healthy");
    }

    @Test
    @Order(6)
    void stopsGracefullyOnDockerStop() throws Exception {
        DockerClient docker = docker();
        String id = server.getContainerId();
        LineClient chatUser = protocols.contains("chat") ? new LineClient(ports.get("chat")) : null;
        try (Socket idleEcho = connect(ports.get("echo")); LineClient chat = chatUser) {
            if (chat != null) {
                chat.readUntil(line -> line.startsWith("* welcome"));
            }
            long start = System.nanoTime();
            // Grace well above the drain deadline: a SIGKILL from docker would show as 137.
            docker.stopContainerCmd(id).withTimeout(30).exec();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
            System.out.printf("docker stop took %d ms (drain deadline %d ms)%n", took.toMillis(), DRAIN.toMillis());
            assertThat(state.getRunning()).isFalse();
            assertThat(state.getExitCodeLong()).as("exit code after SIGTERM").isZero();
            assertThat(took).as("stopped within the drain deadline (plus JVM exit)").isLessThan(DRAIN.plusSeconds(5));
            // The idle echo connection was closed by the server, not left to the kernel.
            assertThat(idleEcho.getInputStream().read()).isEqualTo(-1);
            if (chat != null) {
                assertThat(chat.readUntil(line -> line.startsWith("* server"))).isEqualTo(SHUTDOWN_LINE);
                assertThat(chat.closedByPeer()).isTrue();
            } else {
                System.out.println("no chat protocol in the image: the goodbye to chat users is not checked");
            }
        }
        assertThat(server.getLogs()).contains("signal received");
    }

    private byte[] echoRoundTrip(byte[] data) throws IOException {
        try (Socket socket = connect(ports.get("echo"))) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] back = new byte[data.length];
            int got = 0;
            // Write in slices and read as we go, so neither side's buffers have to hold everything.
            for (int sent = 0; sent < data.length || got < data.length; ) {
                if (sent < data.length) {
                    int n = Math.min(16 * 1024, data.length - sent);
                    out.write(data, sent, n);
                    sent += n;
                }
                while (got < Math.min(sent, data.length)) {
                    int n = in.read(back, got, sent - got);
                    if (n < 0) {
                        throw new IOException("echo closed after " + got + " of " + data.length + " bytes");
                    }
                    got += n;
                }
            }
            return back;
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String awaitHealth(String wanted) throws InterruptedException {
        String status = "none";
        for (int i = 0; i < 60 && !wanted.equals(status); i++) {
            var health = docker().inspectContainerCmd(server.getContainerId()).exec().getState().getHealth();
            status = health == null ? "none" : health.getStatus();
            if (!wanted.equals(status)) {
                Thread.sleep(500);
            }
        }
        return status;
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** `jselectors protocols` prints one protocol a line: name, default port, description. */
    static Set<String> parseProtocols(String output) {
        Set<String> names = new TreeSet<>();
        for (String line : output.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && fields[1].matches("\\d+")) {
                names.add(fields[0]);
            }
        }
        return names;
    }

    static Set<String> metricNames(String exposition) {
        return Arrays.stream(exposition.split("\n"))
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static List<String> dashboardMetricNames() throws IOException {
        String json = Files.readString(Images.dockerDir().resolve("grafana/dashboards/jselectors.json"));
        List<String> names = new ArrayList<>();
        // Only what the panels and variables query: descriptions may name a histogram's family.
        Matcher field = Pattern.compile("\"(?:expr|query)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        while (field.find()) {
            Matcher m = Pattern.compile("jselectors_[a-z_]+").matcher(field.group(1));
            while (m.find()) {
                names.add(m.group());
            }
        }
        assertThat(names).as("metric names in the dashboard's queries").isNotEmpty();
        return names;
    }
}
