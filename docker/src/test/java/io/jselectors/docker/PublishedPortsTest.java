package io.jselectors.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The README's {@code docker run -p 7000:7000 -p 9100:9100 jselectors:local}, through the docker CLI
 * on the engine's default bridge network (docker/setup.sh starts one where a bridge can be made),
 * with host ports Docker picks on the loopback instead of the fixed ones: the echo listener and
 * /healthz answer through the published ports. An engine without a bridge skips it, saying so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishedPortsTest {

    /** A cold JVM on a loaded 2-core machine; the image's own health check allows 10 s + 3 x 15 s. */
    private static final Duration READY_DEADLINE = Duration.ofMinutes(1);
    private static final Duration CLI_DEADLINE = Duration.ofMinutes(1);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String container;

    @BeforeAll
    void run() throws Exception {
        Images.requireJar();
        Images.requireEngine();
        Images.require(Cli.works(List.of("docker", "network", "inspect", "bridge")),
                "the engine has no bridge network (dockerd --bridge=none): `docker run -p` cannot publish"
                        + " ports there; the README's --network host commands are for that engine");
        Images.build(Images.baseImage());
        Cli.Result run = docker("run", "-d", "--rm", "-p", "127.0.0.1::7000", "-p", "127.0.0.1::9100", Images.TAG);
        assertThat(run.ok()).as("docker run: %s", run.output()).isTrue();
        container = run.output().strip().lines().reduce((a, b) -> b).orElseThrow();
    }

    @AfterAll
    void remove() throws Exception {
        if (container != null) {
            docker("rm", "-f", container);
        }
    }

    @Test
    void echoAndHealthzAnswerThroughThePublishedPorts() throws Exception {
        int admin = published(9100);
        URI healthz = URI.create("http://127.0.0.1:" + admin + "/healthz");
        String last = "";
        boolean healthy = false;
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(healthz).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    healthy = true;
                    break;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                // The proxy accepts before the server listens and then resets: not ready yet.
                last = e.toString();
            }
            Thread.sleep(500);
        }
        assertThat(healthy).as("/healthz through 127.0.0.1:%s answers 200 within %s; last: %s", admin,
                READY_DEADLINE, last).isTrue();

        try (LineClient echo = new LineClient(published(7000))) {
            echo.send("through the bridge");
            assertThat(echo.readUntil(line -> !line.isEmpty())).isEqualTo("through the bridge");
        }
    }

    private int published(int port) throws Exception {
        Cli.Result result = docker("port", container, port + "/tcp");
        assertThat(result.ok()).as("docker port: %s", result.output()).isTrue();
        String first = result.output().strip().lines().findFirst().orElseThrow();
        assertThat(first).startsWith("127.0.0.1:");
        return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    }

    private static Cli.Result docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return Cli.run(Images.repositoryDir(), Map.of(), CLI_DEADLINE, command);
    }
}
