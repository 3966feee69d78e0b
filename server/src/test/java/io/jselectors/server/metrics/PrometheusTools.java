package io.jselectors.server.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Debian {@code prometheus} package in tests: installs it through {@code
 * scripts/install-prometheus.sh} when missing, runs {@code promtool check metrics}, and starts a
 * real Prometheus on 127.0.0.1 that the test stops again (by the {@link Process} it started).
 */
public final class PrometheusTools {

    private static final Duration INSTALL_LIMIT = Duration.ofMinutes(10);
    private static String installProblem;
    private static boolean installTried;

    private PrometheusTools() {}

    /**
     * Makes sure {@code prometheus} and {@code promtool} exist, installing them once per JVM;
     * returns {@code null} when they do, else why they cannot (for the skip message).
     */
    public static synchronized String ensureInstalled() {
        if (installTried) {
            return installProblem;
        }
        installTried = true;
        Path script = findScript();
        if (script == null) {
            return installProblem = "scripts/install-prometheus.sh not found above " + Path.of("").toAbsolutePath();
        }
        try {
            Path log = Files.createTempFile("install-prometheus", ".log");
            Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(INSTALL_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return installProblem = script + " did not finish within " + INSTALL_LIMIT;
            }
            String output = Files.readString(log).strip();
            Files.deleteIfExists(log);
            if (p.exitValue() != 0) {
                return installProblem = script + " failed (exit " + p.exitValue() + "): " + output;
            }
            return installProblem = null;
        } catch (IOException e) {
            return installProblem = "cannot run " + script + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return installProblem = "interrupted while installing prometheus";
        }
    }

    private static Path findScript() {
        return findUp("scripts/install-prometheus.sh");
    }

    /** The file at {@code relative} under the working directory or the nearest parent that has it, or null. */
    public static Path findUp(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Runs {@code promtool check metrics} on {@code exposition}; the result holds its exit status and output. */
    public static Result promtoolCheck(byte[] exposition) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(exposition);
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("promtool did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** An exit status and what the command printed. */
    public record Result(int exit, String output) {}

    /** A free port on 127.0.0.1 (free when this returns; Prometheus binds it a moment later). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A Prometheus server this test started, scraping one target every second. */
    public static final class Prometheus implements AutoCloseable {
        private final Process process;
        private final int port;
        private final Path log;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        private Prometheus(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
        }

        /**
         * Starts {@code prometheus} on a free 127.0.0.1 port with its storage under {@code dir},
         * scraping {@code target} ({@code host:port}) at {@code /metrics} every second, and waits
         * until it is ready.
         */
        public static Prometheus start(String target, Path dir) throws IOException, InterruptedException {
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: jselectors
                        metrics_path: /metrics
                        static_configs:
                          - targets: ['%s']
                    """.formatted(target));
            int port = freePort();
            Path log = dir.resolve("prometheus.log");
            Process p = new ProcessBuilder("prometheus",
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--storage.tsdb.retention.time=1h")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Prometheus s = new Prometheus(p, port, log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() - deadline < 0) {
                if (!p.isAlive()) {
                    throw new IOException("prometheus exited (" + p.exitValue() + "): " + s.log());
                }
                try {
                    if (s.get("/-/ready").statusCode() == 200) {
                        return s;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                Thread.sleep(100);
            }
            s.close();
            throw new IOException("prometheus not ready within 30 s: " + s.log());
        }

        HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                    .timeout(Duration.ofSeconds(5)).build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }

        /** Runs an instant query; each sample is its labels and value. */
        public List<Sample> query(String promql) throws IOException, InterruptedException {
            HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            if (r.statusCode() != 200 || !r.body().contains("\"status\":\"success\"")) {
                throw new IOException("query " + promql + " failed: " + r.statusCode() + " " + r.body());
            }
            return Sample.parseVector(r.body());
        }

        /** The scrape target's health as Prometheus sees it, e.g. {@code "health":"up"}. */
        public String targets() throws IOException, InterruptedException {
            return get("/api/v1/targets").body();
        }

        public String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Stops the Prometheus this object started: SIGTERM, then SIGKILL after 10 s. */
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** One element of an instant vector. */
    public record Sample(Map<String, String> labels, double value) {

        // The query API's vector result: {"metric":{"k":"v",...},"value":[<time>,"<value>"]}. Label
        // values of the series we query hold no braces or quotes, so a pattern is enough here.
        private static final Pattern RESULT = Pattern.compile(
                "\\{\"metric\":\\{([^}]*)},\"value\":\\[[0-9.e+]+,\"([^\"]+)\"]}");
        private static final Pattern LABEL = Pattern.compile("\"([^\"]+)\":\"([^\"]*)\"");

        static List<Sample> parseVector(String json) {
            List<Sample> out = new ArrayList<>();
            Matcher m = RESULT.matcher(json);
            while (m.find()) {
                Map<String, String> labels = new LinkedHashMap<>();
                Matcher l = LABEL.matcher(m.group(1));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
                out.add(new Sample(labels, Double.parseDouble(m.group(2))));
            }
            return out;
        }
    }
}
