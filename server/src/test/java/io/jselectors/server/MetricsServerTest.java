package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.server.metrics.AdminProtocol;
import io.jselectors.server.metrics.PrometheusTools;
import io.jselectors.server.metrics.ServerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meters through a real server on 127.0.0.1 (echo, chat and http listeners, one worker) and
 * its admin listener (our http protocol on a one-worker server of its own): each meter moves when
 * its event happens, {@code /metrics} passes {@code promtool check metrics}, and a real Prometheus
 * scrapes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private ServerMetrics metrics;
    private MeterRegistry registry;
    private Server server;
    private Server admin;
    private volatile boolean draining;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void start() throws IOException {
        metrics = ServerMetrics.create();
        registry = metrics.registry();
        ServerSettings settings = ServerSettings.defaults(List.of(
                        ServerSettings.ListenerSpec.parse("echo=127.0.0.1:0", "127.0.0.1"),
                        ServerSettings.ListenerSpec.parse("chat=127.0.0.1:0", "127.0.0.1"),
                        ServerSettings.ListenerSpec.parse("http=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1)
                .withLimits(Duration.ZERO, 1000, Duration.ofSeconds(2));
        server = Server.start(settings, Protocols.load(getClass().getClassLoader()), registry);
        Protocols adminProtocols = new Protocols();
        adminProtocols.add(new AdminProtocol(metrics, () -> !draining));
        ServerSettings adminSettings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("admin=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1)
                .withLimits(Duration.ofSeconds(60), 64, Duration.ofSeconds(1));
        admin = Server.start(adminSettings, adminProtocols, registry, "admin-");
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.shutdown();
        }
        if (server != null) {
            server.shutdown();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    private String listener(String protocol) {
        return Server.format(server.address(protocol));
    }

    private Search meter(String name, String protocol) {
        return registry.find(name).tag("listener", listener(protocol));
    }

    private double counter(String name, String protocol, String... tags) {
        Counter c = meter(name, protocol).tags(tags).counter();
        return c == null ? Double.NaN : c.count();
    }

    private double active(String protocol) {
        Gauge g = meter("jselectors.connections.active", protocol).gauge();
        return g == null ? Double.NaN : g.value();
    }

    /** Polls until {@code value} reaches {@code expected}; the loops update meters asynchronously. */
    private static void awaitValue(String what, DoubleSupplier value, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (value.getAsDouble() != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(value.getAsDouble()).as(what).isEqualTo(expected);
    }

    private static void awaitAtLeast(String what, DoubleSupplier value, double least) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(value.getAsDouble() >= least) && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(value.getAsDouble()).as(what).isGreaterThanOrEqualTo(least);
    }

    @Test
    void connectionMetersFollowAConnectionsLife() throws Exception {
        double accepted = counter("jselectors.connections.accepted", "echo");
        double closedByPeer = counter("jselectors.connections.closed", "echo", "cause", "peer");
        double before = active("echo");
        try (Socket s = new Socket()) {
            s.connect(server.address("echo"));
            awaitValue("active after connect", () -> active("echo"), before + 1);
            assertThat(counter("jselectors.connections.accepted", "echo")).isEqualTo(accepted + 1);
            byte[] hello = "hello, meters".getBytes(StandardCharsets.US_ASCII);
            double echoed = registry.get("jselectors.echo.bytes").functionCounter().count();
            s.getOutputStream().write(hello);
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().readNBytes(hello.length)).isEqualTo(hello);
            awaitValue("echo bytes", () -> registry.get("jselectors.echo.bytes").functionCounter().count(), echoed + hello.length);
            FunctionCounter read = meter("jselectors.read", "echo").functionCounter();
            FunctionCounter written = meter("jselectors.written", "echo").functionCounter();
            assertThat(read.count()).isGreaterThanOrEqualTo(hello.length);
            awaitValue("bytes written", written::count, read.count());
        }
        awaitValue("active after close", () -> active("echo"), before);
        awaitValue("closed by peer", () -> counter("jselectors.connections.closed", "echo", "cause", "peer"),
                closedByPeer + 1);
    }

    private double loopCount(String name, String loop) {
        FunctionCounter c = registry.find(name).tag("loop", loop).functionCounter();
        return c == null ? Double.NaN : c.count();
    }

    @Test
    void loopMetersMoveWithTraffic() throws Exception {
        for (String loop : List.of("boss", "worker-1", "admin-boss", "admin-worker-1")) {
            assertThat(registry.find("jselectors.loop.selects").tag("loop", loop).functionCounter()).as(loop).isNotNull();
        }
        double selects = loopCount("jselectors.loop.selects", "worker-1");
        double events = loopCount("jselectors.loop.ready.events", "worker-1");
        double tasks = loopCount("jselectors.loop.tasks.run", "worker-1");
        double busy = loopCount("jselectors.loop.working", "worker-1") + loopCount("jselectors.loop.blocked", "worker-1");
        try (Socket s = new Socket()) {
            s.connect(server.address("echo")); // the boss hands it to worker-1 with a task
            s.setSoTimeout(10_000);
            for (int i = 0; i < 10; i++) {
                s.getOutputStream().write(i);
                assertThat(s.getInputStream().read()).isEqualTo(i);
            }
        }
        // The loop records a select after dispatching it, so the last echo may arrive first: poll.
        awaitAtLeast("worker-1 tasks run (the adopt task)", () -> loopCount("jselectors.loop.tasks.run", "worker-1"), tasks + 1);
        awaitAtLeast("worker-1 selects", () -> loopCount("jselectors.loop.selects", "worker-1"), selects + 10);
        awaitAtLeast("worker-1 ready events", () -> loopCount("jselectors.loop.ready.events", "worker-1"), events + 10);
        assertThat(loopCount("jselectors.loop.working", "worker-1") + loopCount("jselectors.loop.blocked", "worker-1"))
                .isGreaterThan(busy);
        assertThat(registry.get("jselectors.loop.tasks.pending").tag("loop", "worker-1").gauge().value()).isNotNegative();
    }

    @Test
    void chatMessageCountsAsDelivered() throws Exception {
        try (LineClient a = new LineClient(server.address("chat")); LineClient b = new LineClient(server.address("chat"))) {
            a.await("* pick a nick");
            b.await("* pick a nick");
            a.send("/nick alice");
            b.await("is now known as alice");
            double beforeLine = registry.get("jselectors.chat.messages.delivered").counter().count();
            a.send("hello bob");
            b.await("alice: hello bob");
            assertThat(registry.get("jselectors.chat.messages.delivered").counter().count()).isGreaterThan(beforeLine);
            assertThat(registry.get("jselectors.chat.users").gauge().value()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void http404CountsAsClientError() throws Exception {
        double notFound = registry.find("jselectors.http.requests").tags("method", "GET", "status", "4xx")
                .functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
        HttpResponse<String> r = get(server.address("http"), "/no/such/page", null);
        assertThat(r.statusCode()).isEqualTo(404);
        awaitValue("GET 4xx", () -> registry.find("jselectors.http.requests").tags("method", "GET", "status", "4xx")
                .functionCounters().stream().mapToDouble(FunctionCounter::count).sum(), notFound + 1);
    }

    @Test
    void adminServesPrometheusTextAndOpenMetrics() throws Exception {
        HttpResponse<String> text = get(admin.address("admin"), "/metrics", null);
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type")).contains(ServerMetrics.PROMETHEUS_TEXT);
        assertThat(text.body()).contains("# TYPE jselectors_connections_accepted_total counter",
                "jselectors_connections_accepted_total{listener=\"" + listener("echo") + "\",protocol=\"echo\"",
                "jselectors_read_bytes_total{", "jselectors_connections_closed_total{cause=\"peer\"",
                "jselectors_echo_bytes_total", "jselectors_chat_users", "jvm_memory_used_bytes",
                "netty_allocator_memory_used_bytes");

        HttpResponse<String> om = get(admin.address("admin"), "/metrics",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertThat(om.headers().firstValue("Content-Type")).contains(ServerMetrics.OPENMETRICS_TEXT);
        assertThat(om.body()).contains("# TYPE jselectors_connections_accepted counter").endsWith("# EOF\n");

        assertThat(get(admin.address("admin"), "/hello", null).statusCode()).isEqualTo(404);
    }

    @Test
    void healthzTurns503WhileDraining() throws Exception {
        HttpResponse<String> ok = get(admin.address("admin"), "/healthz", null);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("ok\n");
        draining = true;
        try {
            assertThat(get(admin.address("admin"), "/healthz", null).statusCode()).isEqualTo(503);
        } finally {
            draining = false;
        }
    }

    @Test
    void everyServedNameFollowsTheConventionsAndEveryGaugeIsANumberAfterAGc() throws Exception {
        get(server.address("http"), "/hello", null); // http meters with a value
        for (int i = 0; i < 3; i++) {
            System.gc(); // a gauge whose state object is only weakly held reads NaN from now on
            Thread.sleep(50);
        }
        Thread.sleep(1100); // past the CPU gauges' one-second cache, so they read again
        var families = io.jselectors.server.metrics.ExpositionLint.parse(get(admin.address("admin"), "/metrics", null).body());
        assertThat(families).containsKeys("jselectors_read_bytes_total", "jselectors_written_bytes_total",
                "jselectors_connections_active", "jselectors_http_requests_total", "process_cpu_usage");
        assertThat(families.values().stream().flatMap(f -> io.jselectors.server.metrics.ExpositionLint.problems(f).stream()))
                .isEmpty();
        assertThat(io.jselectors.server.metrics.ExpositionLint.gaugesNotANumber(families)).isEmpty();
    }

    @Test
    void theRequestDurationStaysAPrometheusHistogramThatCountsEveryRequest() throws Exception {
        var before = durationSeries();
        for (int i = 0; i < 3; i++) {
            assertThat(get(server.address("http"), "/hello", null).statusCode()).isEqualTo(200);
        }
        var after = durationSeries();
        assertThat(after.type()).isEqualTo("histogram");
        // Other tests in this class send requests too: compare with the series just before.
        assertThat(sample(after, "_count", "") - sample(before, "_count", "")).isEqualTo(3.0);
        assertThat(sample(after, "_bucket", "le=\"+Inf\"") - sample(before, "_bucket", "le=\"+Inf\"")).isEqualTo(3.0);
        assertThat(sample(after, "_sum", "")).isGreaterThan(0.0);
    }

    /** The http listener's request-duration family (the admin listener's scrapes have a series of their own). */
    private io.jselectors.server.metrics.ExpositionLint.Family durationSeries() throws Exception {
        var families = io.jselectors.server.metrics.ExpositionLint.parse(get(admin.address("admin"), "/metrics", null).body());
        var family = families.get("jselectors_http_request_duration_seconds");
        return family != null ? family
                : new io.jselectors.server.metrics.ExpositionLint.Family("none", "none", null, java.util.Map.of());
    }

    /** The sum of the http listener's samples named with {@code suffix} whose labels hold {@code label}; 0 when absent. */
    private static double sample(io.jselectors.server.metrics.ExpositionLint.Family family, String suffix, String label) {
        return family.samples().entrySet().stream()
                .filter(e -> e.getKey().startsWith("jselectors_http_request_duration_seconds" + suffix + "{"))
                .filter(e -> e.getKey().contains(label))
                .filter(e -> e.getKey().contains("protocol=\"http\""))
                .mapToDouble(e -> Double.parseDouble(e.getValue())).sum();
    }

    @Test
    void promtoolAcceptsTheServedExposition() throws Exception {
        String problem = PrometheusTools.ensureInstalled();
        Assumptions.assumeTrue(problem == null, () -> "promtool cannot be installed here: " + problem);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri(admin.address("admin"), "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        PrometheusTools.Result check = PrometheusTools.promtoolCheck(r.body());
        assertThat(check.exit()).as("promtool check metrics said:%n%s", check.output()).isZero();
    }

    @Test
    void aRealPrometheusScrapesTheAdminListener(@TempDir Path dir) throws Exception {
        String problem = PrometheusTools.ensureInstalled();
        Assumptions.assumeTrue(problem == null, () -> "prometheus cannot be installed here: " + problem);
        // Traffic first, so the very first scrape already sees it.
        double accepted = counter("jselectors.connections.accepted", "echo");
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Socket s = new Socket();
                s.connect(server.address("echo"));
                sockets.add(s);
            }
            awaitValue("accepted", () -> counter("jselectors.connections.accepted", "echo"), accepted + 5);
            get(server.address("http"), "/hello", null);
            try (PrometheusTools.Prometheus prometheus = PrometheusTools.Prometheus.start(
                    Server.format(admin.address("admin")), dir)) {
                String selector = "jselectors_connections_accepted_total{protocol=\"echo\"}";
                List<PrometheusTools.Sample> samples = List.of();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (samples.isEmpty() && System.nanoTime() - deadline < 0) {
                    Thread.sleep(250);
                    samples = prometheus.query(selector);
                }
                assertThat(samples).as("Prometheus has %s (targets: %s)", selector, prometheus.targets()).hasSize(1);
                PrometheusTools.Sample sample = samples.getFirst();
                assertThat(sample.labels()).containsEntry("__name__", "jselectors_connections_accepted_total")
                        .containsEntry("job", "jselectors")
                        .containsEntry("instance", Server.format(admin.address("admin")))
                        .containsEntry("listener", listener("echo"))
                        .containsEntry("transport", "native")
                        .containsEntry("selector", server.backend());
                assertThat(sample.value()).isEqualTo(accepted + 5);
                assertThat(prometheus.query("up{job=\"jselectors\"}")).singleElement()
                        .extracting(PrometheusTools.Sample::value).isEqualTo(1.0);
                assertThat(prometheus.query("jselectors_connections_active{protocol=\"echo\"}")).singleElement()
                        .extracting(PrometheusTools.Sample::value).isEqualTo(active("echo"));
                assertThat(prometheus.query("sum(jselectors_http_requests_total{status=\"2xx\"})")).singleElement()
                        .extracting(PrometheusTools.Sample::value).satisfies(v -> assertThat(v).isGreaterThanOrEqualTo(1));
                dashboardQueriesWork(prometheus);
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /**
     * Every query of the Grafana dashboard runs on this data: Prometheus parses it, and it returns
     * series whenever the meters it names are exposed; with the listener variable set to one
     * listener, a listener query sees that listener only, and never the admin listener, whose
     * scrapes Prometheus is making right now.
     */
    private void dashboardQueriesWork(PrometheusTools.Prometheus prometheus) throws Exception {
        List<String> exprs = io.jselectors.server.metrics.DashboardTestAccess.queries();
        assertThat(exprs).hasSizeGreaterThan(20);
        String exposed = get(admin.address("admin"), "/metrics", null).body();
        Thread.sleep(3000); // rate() over 5 s wants at least two scrapes in the window
        for (String expr : exprs) {
            String query = expr.replace("$__rate_interval", "5s").replace("$instance", ".*").replace("$listener", ".*");
            List<PrometheusTools.Sample> result = prometheus.query(query);
            Matcher names = Pattern
                    .compile("\\b((?:jselectors|jvm|process|netty)_[a-z_]+)").matcher(query);
            boolean allExposed = true;
            while (names.find()) {
                allExposed &= exposed.contains("\n" + names.group(1));
            }
            if (allExposed) {
                assertThat(result).as("dashboard query %s", query).isNotEmpty();
            }
            assertThat(result).as(query).allSatisfy(s -> assertThat(s.labels()).doesNotContainEntry("protocol", "admin"));
        }
        // The admin listener does serve HTTP (the scrapes): the filter is what keeps it out.
        assertThat(prometheus.query("sum by (protocol) (jselectors_http_requests_total)"))
                .anySatisfy(s -> assertThat(s.labels()).containsEntry("protocol", "admin"));
        String open = exprs.stream().filter(e -> e.contains("jselectors_connections_active")).findFirst().orElseThrow()
                .replace("$instance", ".*").replace("$listener", listener("echo")); // its dots match themselves too
        assertThat(prometheus.query(open)).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("protocol", "echo"));
    }

    private static URI uri(InetSocketAddress address, String path) {
        return URI.create("http://" + Server.format(address) + path);
    }

    private HttpResponse<String> get(InetSocketAddress address, String path, String accept)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(address, path)).timeout(Duration.ofSeconds(10));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A blocking line client with a read timeout. */
    private static final class LineClient implements AutoCloseable {
        private final Socket socket = new Socket();
        private final BufferedReader in;
        private final OutputStream out;

        LineClient(InetSocketAddress address) throws IOException {
            socket.connect(address);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void await(String text) throws IOException {
            for (int i = 0; i < 1000; i++) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("closed while waiting for " + text);
                }
                if (line.contains(text)) {
                    return;
                }
            }
            throw new IOException("no line with " + text);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
