package io.jselectors.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The offline stack as the README starts it: {@code docker compose -f docker/compose.yaml up --build}
 * through the compose CLI, with the images docker/setup.sh builds, and Prometheus scraping the
 * server ({@code up{job="jselectors"}} is 1 in Prometheus's query API). The test's project has a
 * name of its own, its image a tag of its own, and every host port is one Docker picks, so it runs
 * beside anything else on the machine; it takes the whole project down afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeStackTest {

    /** The local Prometheus image docker/setup.sh builds from Debian's package (compose's default). */
    static final String LOCAL_PROMETHEUS = "jselectors/prometheus:local";
    /** Building the image on vfs and starting two containers on a loaded 2-core machine. */
    private static final Duration UP_DEADLINE = Duration.ofMinutes(5);
    /** Prometheus scrapes every 5 s (docker/prometheus.yml); the JVM may take a while to listen. */
    private static final Duration SCRAPE_DEADLINE = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofSeconds(1);

    private final String project = "jselectors-test-" + ProcessHandle.current().pid();
    private final String tag = "test-" + ProcessHandle.current().pid();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> env = new HashMap<>();
    private boolean started;

    @BeforeAll
    void composeUp() throws Exception {
        Images.requireJar();
        Images.requireEngine();
        Images.require(Cli.works(List.of("docker", "compose", "version")),
                "`docker compose` does not work here: run docker/setup.sh (as root) to install it");
        Images.require(Cli.works(List.of("docker", "network", "inspect", "bridge")),
                "the engine has no bridge network (dockerd --bridge=none): compose cannot make the stack's network");
        String prometheus = System.getenv().getOrDefault("PROMETHEUS_IMAGE", LOCAL_PROMETHEUS);
        Images.require(Images.imageExists(prometheus), prometheus + " is not in the local image store and none"
                + " can be pulled here: run docker/setup.sh");
        env.put("BASE_IMAGE", Images.baseImage());
        env.put("PROMETHEUS_IMAGE", prometheus);
        env.put("JSELECTORS_TAG", tag);
        // Only the server's listeners are moved to the loopback; the admin side keeps compose's default.
        env.put("SERVICE_BIND", "127.0.0.1");
        for (String port : List.of("ECHO_PORT", "CHAT_PORT", "HTTP_PORT", "METRICS_PORT", "PROMETHEUS_PORT")) {
            env.put(port, "");
        }
        started = true;
        Cli.Result up = compose("up", "-d", "--build");
        assertThat(up.ok()).as("compose up:\n%s", up.output()).isTrue();
    }

    @AfterAll
    void composeDown() throws Exception {
        if (!started) {
            return;
        }
        Cli.Result logs = compose("logs", "--no-color", "--tail", "30");
        System.out.println("compose logs (tail):\n" + logs.output());
        Cli.Result down = compose("down", "--volumes", "--remove-orphans");
        Cli.run(Images.repositoryDir(), Map.of(), Duration.ofMinutes(1), List.of("docker", "rmi", "jselectors:" + tag));
        assertThat(down.ok()).as("compose down:\n%s", down.output()).isTrue();
    }

    @Test
    void prometheusScrapesTheServer() throws Exception {
        URI query = URI.create("http://" + published("prometheus", 9090) + "/api/v1/query?query="
                + URLEncoder.encode("up{job=\"jselectors\"}", StandardCharsets.UTF_8));
        Pattern value = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9.]+)\"\\]");
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + SCRAPE_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            String body = get(query);
            seen.add(body);
            Matcher m = value.matcher(body);
            if (m.find() && m.group(1).equals("1")) {
                return;
            }
            Thread.sleep(POLL);
        }
        throw new AssertionError("up{job=\"jselectors\"} never became 1 within " + SCRAPE_DEADLINE
                + "; last answers: " + seen.subList(Math.max(0, seen.size() - 3), seen.size()));
    }

    @Test
    void metricsAndPrometheusArePublishedOnTheLoopbackOnly() throws Exception {
        assertThat(published("jselectors", 9100)).startsWith("127.0.0.1:");
        assertThat(published("prometheus", 9090)).startsWith("127.0.0.1:");
    }

    /** host:port that compose published {@code port} of {@code service} on. */
    private String published(String service, int port) throws Exception {
        Cli.Result result = compose("port", service, Integer.toString(port));
        assertThat(result.ok()).as("compose port %s %s: %s", service, port, result.output()).isTrue();
        String last = result.output().strip().lines().reduce((a, b) -> b).orElse("");
        assertThat(last).as("compose port %s %s", service, port).matches("[0-9.]+:[0-9]+");
        return last;
    }

    /** The body of a GET, or the error as text: a Prometheus still starting refuses connections. */
    private String get(URI uri) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private Cli.Result compose(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "compose", "-p", project, "-f",
                Images.dockerDir().resolve("compose.yaml").toString()));
        command.addAll(List.of(args));
        return Cli.run(Images.repositoryDir(), env, UP_DEADLINE, command);
    }
}
