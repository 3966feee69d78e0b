package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CLI as a process, where exit statuses, stdout and stderr are what is tested: version,
 * one-line errors with their exit status, the log's form, and a drain that /healthz reports.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CliProcessTest {

    /** A log line of the text format: ISO 8601 time with its zone offset, then the level. */
    private static final Pattern LOG_LINE = Pattern.compile(
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (TRACE|DEBUG|INFO |WARN |ERROR) .*");
    /** Bounds a wait for the process (never a performance claim: a loaded machine is slow to start a JVM). */
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A started {@code jselectors} process; stdout and stderr are collected line by line. */
    private static final class Cli implements AutoCloseable {
        final Process process;
        final List<String> out = new CopyOnWriteArrayList<>();
        final List<String> err = new CopyOnWriteArrayList<>();
        private final List<Thread> collectors = new ArrayList<>();

        Cli(Map<String, String> env, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().keySet().removeIf(k -> k.startsWith("JSELECTORS_"));
            pb.environment().putAll(env);
            process = pb.start();
            collectors.add(collect(process.getInputStream(), out));
            collectors.add(collect(process.getErrorStream(), err));
        }

        /** A platform thread per stream: a blocking pipe read would pin a virtual thread's carrier. */
        private static Thread collect(java.io.InputStream in, List<String> lines) {
            return Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // The process ended.
                }
            });
        }

        int exit() throws InterruptedException {
            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited; stderr: %s", err).isTrue();
            for (Thread t : collectors) {
                t.join(WAIT.toMillis()); // until the pipe's end: every line is in
            }
            return process.exitValue();
        }

        /** Waits for a stderr line matching {@code pattern}. */
        Matcher awaitErr(Pattern pattern) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() - deadline < 0) {
                for (String line : err) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
                if (!process.isAlive()) {
                    for (Thread t : collectors) {
                        t.join(WAIT.toMillis());
                    }
                    return err.stream().map(pattern::matcher).filter(Matcher::find).findFirst()
                            .orElseThrow(() -> new AssertionError("exited (" + process.exitValue() + ") with no line matching "
                                    + pattern + " in " + err));
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no line matching " + pattern + " in " + err);
        }

        /**
         * SIGTERM, as {@code docker stop} sends it. Through the process handle: {@code
         * Process.destroy()} also closes our ends of its pipes, and the last lines would be lost.
         */
        void terminate() {
            process.toHandle().destroy();
        }

        /** Stderr without the log lines: what the CLI itself printed. */
        List<String> messages() {
            return err.stream().filter(l -> !LOG_LINE.matcher(l).matches()).toList();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static Cli run(String... args) throws IOException {
        return new Cli(Map.of(), args);
    }

    @Test
    void versionPrintsTheVersionAndTheCommit() throws Exception {
        try (Cli cli = run("--version")) {
            assertThat(cli.exit()).isZero();
            assertThat(cli.out.getFirst()).isEqualTo(BuildInfo.current().describe())
                    .startsWith("jselectors 0.1.0-SNAPSHOT (commit ");
        }
        Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        Assumptions.assumeTrue(git.waitFor() == 0, "not a git checkout (or no git), so no commit to compare: " + head);
        // The jar is built from the checkout under test; a commit made since shows as a newer HEAD.
        assertThat(BuildInfo.current().commit()).startsWith(head).matches("[0-9a-f]{12}(-dirty)?");
    }

    @Test
    void usageErrorsPrintOneLineAndExit2() throws Exception {
        for (String[] args : List.of(new String[] {"serve", "--transport", "bogus"},
                new String[] {"serve", "--selector", "bogus", "--listen", "echo=127.0.0.1:0", "--admin", "off"},
                new String[] {"serve", "--listen", "http=127.0.0.1:0", "--option", "http.max-body=bogus", "--admin", "off"})) {
            try (Cli cli = run(args)) {
                assertThat(cli.exit()).as(String.join(" ", args)).isEqualTo(2);
                // The error alone: no banner, memory or listening line is logged before it.
                assertThat(cli.err).as(String.join(" ", args)).singleElement().asString()
                        .startsWith("jselectors serve: ").contains("bogus").endsWith("(see 'jselectors serve --help')");
            }
        }
    }

    @Test
    void portInUseIsARuntimeFailureOfOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Cli cli = run("serve", "--listen", "echo=127.0.0.1:" + taken.getLocalPort(), "--admin", "off")) {
            assertThat(cli.exit()).isEqualTo(1);
            assertThat(cli.messages()).singleElement().asString()
                    .contains("cannot listen for echo on 127.0.0.1:" + taken.getLocalPort())
                    .contains("(see 'jselectors serve --help')");
        }
    }

    @Test
    void unresolvableHostFailsWithOneLineAndDebugAddsTheStackTrace() throws Exception {
        try (Cli cli = run("serve", "--listen", "echo=no-such-host.invalid:7000", "--admin", "off")) {
            assertThat(cli.exit()).isEqualTo(1);
            assertThat(cli.messages()).singleElement().asString().contains("cannot resolve host 'no-such-host.invalid'");
        }
        try (Cli cli = run("serve", "--listen", "echo=no-such-host.invalid:7000", "--admin", "off", "--debug")) {
            assertThat(cli.exit()).isEqualTo(1);
            assertThat(cli.messages()).hasSizeGreaterThan(3).anySatisfy(l -> assertThat(l).startsWith("\tat "));
        }
    }

    @Test
    void serveLogsTheBannerInIsoTimeAndDrainsWhileHealthzSays503() throws Exception {
        try (Cli cli = run("serve", "--listen", "echo=127.0.0.1:0", "--admin", "127.0.0.1:0", "--workers", "1",
                "--drain-timeout", "4s")) {
            int admin = Integer.parseInt(cli.awaitErr(Pattern.compile("listening: admin on 127\\.0\\.0\\.1:(\\d+)")).group(1));
            int echo = Integer.parseInt(cli.awaitErr(Pattern.compile("listening: echo on 127\\.0\\.0\\.1:(\\d+)")).group(1));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest healthz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/healthz"))
                    .timeout(Duration.ofSeconds(5)).build();
            assertThat(http.send(healthz, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            try (SocketChannel stuck = SocketChannel.open(new InetSocketAddress("127.0.0.1", echo))) {
                fillUntilTheServerHoldsTheEcho(stuck, http, admin); // so the drain lasts until its deadline
                cli.terminate();
                cli.awaitErr(Pattern.compile("draining for up to 4s"));
                HttpResponse<String> during;
                try {
                    during = http.send(healthz, HttpResponse.BodyHandlers.ofString());
                } catch (java.net.ConnectException e) {
                    // The admin listener closes only after the drain: refused here means the drain
                    // ended at once (the echo connection had nothing left to send). The server's log says when.
                    throw new AssertionError("/healthz refused during the drain; the server's log:\n" + String.join("\n", cli.err), e);
                }
                assertThat(during.statusCode()).isEqualTo(503);
                assertThat(during.body()).isEqualTo("shutting down\n");
                assertThat(cli.exit()).isZero();
            }
        }
    }

    /**
     * The drain test's premise under the worst a loaded machine does: the server is stopped ({@code
     * kill -STOP}) while the client fills, so nothing fits and the client alone would take the
     * server for paused; after {@code kill -CONT} it reads and echoes what waited. Without the
     * server-side check of {@link #fillUntilTheServerHoldsTheEcho} a SIGTERM here finds the echo
     * flushed into the kernel (the connection writable again, the handler's resume still queued
     * behind the shutdown task) and the drain ends at once: 4 failures in 4 loaded runs.
     */
    @Test
    void theDrainWaitsForAServerThatWasStoppedWhileTheClientFilled() throws Exception {
        Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"), "no kill(1) to stop the server with");
        try (Cli cli = run("serve", "--listen", "echo=127.0.0.1:0", "--admin", "127.0.0.1:0", "--workers", "1",
                "--drain-timeout", "2s")) {
            int admin = Integer.parseInt(cli.awaitErr(Pattern.compile("listening: admin on 127\\.0\\.0\\.1:(\\d+)")).group(1));
            int echo = Integer.parseInt(cli.awaitErr(Pattern.compile("listening: echo on 127\\.0\\.0\\.1:(\\d+)")).group(1));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            try (SocketChannel stuck = SocketChannel.open(new InetSocketAddress("127.0.0.1", echo))) {
                ByteBuffer hello = ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII));
                stuck.write(hello);
                assertThat(stuck.read(ByteBuffer.allocate(16))).as("echoed: the worker has the connection").isPositive();
                signal(cli, "-STOP");
                try {
                    fillWithoutReading(stuck); // nothing fits: the server has read nothing
                } finally {
                    signal(cli, "-CONT");
                }
                fillUntilTheServerHoldsTheEcho(stuck, http, admin);
                cli.terminate();
                cli.awaitErr(Pattern.compile("draining for up to 2s"));
                cli.awaitErr(Pattern.compile("drain deadline reached: closing 1 connection"));
                assertThat(cli.exit()).isZero();
            }
        }
    }

    private static void signal(Cli cli, String which) throws Exception {
        Process kill = new ProcessBuilder("kill", which, Long.toString(cli.process.pid())).inheritIO().start();
        assertThat(kill.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill %s", which).isTrue();
    }

    /**
     * The drain test's premise, made true and then checked on the server's side: the server holds
     * echoed bytes it cannot send. Fills the connection until nothing more fits ({@link
     * #fillWithoutReading}), then asks the admin endpoint: the echo listener must have read at least
     * the low water mark more than it has written, and neither count may move between two scrapes
     * half a second apart; if not, it fills again. What the client sees is not enough on its own:
     * a server starved while the client filled (a loaded machine; {@code kill -STOP} does it at will,
     * {@link #theDrainWaitsForAServerThatWasStoppedWhileTheClientFilled}) has read nothing, so
     * nothing fits, yet it reads and echoes once it runs, and with its output in the kernel a
     * shutdown closes the connection at once: the drain waits for unsent output, not for unread
     * input. That was the refused /healthz once in CI and once in six loaded runs (wave 10). An
     * echo connection is writable again only below the low water mark, so at or above it, with
     * nothing moving, the server has paused reading until the client reads, which it never does.
     */
    private static void fillUntilTheServerHoldsTheEcho(SocketChannel channel, HttpClient http, int admin) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long[] before = null;
        while (true) {
            if (before == null) {
                fillWithoutReading(channel);
                before = echoCounts(http, admin);
            }
            Thread.sleep(500);
            long[] after = echoCounts(http, admin);
            boolean still = java.util.Arrays.equals(before, after);
            if (still && after[0] - after[1] >= io.jselectors.connection.ConnectionLimits.DEFAULT_LOW_WATER) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("the server never held the echo: read, written %s",
                    java.util.Arrays.toString(after)).isNegative();
            before = still ? null : after; // still, yet below the mark: the server caught up, so fill again
        }
    }

    /** The echo listener's bytes read and written, from the admin endpoint's metrics. */
    private static long[] echoCounts(HttpClient http, int admin) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString()).body();
        long[] counts = {-1, -1};
        for (String line : metrics.split("\n")) {
            if (line.contains("protocol=\"echo\"")) {
                int which = line.startsWith("jselectors_read_bytes_total{") ? 0
                        : line.startsWith("jselectors_written_bytes_total{") ? 1 : -1;
                if (which >= 0) {
                    counts[which] = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        assertThat(counts).as("the echo listener's byte counts in /metrics").doesNotContain(-1L);
        return counts;
    }

    /**
     * Writes to a non-blocking echo connection until nothing more fits, and nothing more fits after
     * a pause either. A pause alone is not enough: a server that was merely slow for a moment (a
     * loaded machine, a cold JVM) would leave the bytes in its receive buffer, echo them all into
     * the client's receive buffer later, and a drain then has nothing to wait for. Only a server
     * whose echo queue is over its high water mark stops reading for good, and that queue is what
     * holds the drain until its deadline; but a server starved for longer than these pauses looks
     * the same from here, so {@link #fillUntilTheServerHoldsTheEcho} asks the server too.
     */
    private static void fillWithoutReading(SocketChannel channel) throws Exception {
        channel.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (fillUntilIdle(channel, chunk) > 0) {
            assertThat(System.nanoTime() - deadline).as("the echo server never stopped reading").isNegative();
            Thread.sleep(1000); // room for a slow server to read what it has; then try again
        }
    }

    /** Writes until nothing more fits for 500 ms; returns the bytes written. */
    private static long fillUntilIdle(SocketChannel channel, ByteBuffer chunk) throws Exception {
        long written = 0;
        long idleSince = System.nanoTime();
        while (System.nanoTime() - idleSince < TimeUnit.MILLISECONDS.toNanos(500)) {
            chunk.clear();
            int n = channel.write(chunk);
            if (n > 0) {
                written += n;
                idleSince = System.nanoTime();
            } else {
                Thread.sleep(10);
            }
        }
        return written;
    }

    @Test
    void logLinesAreIsoTimedWithABannerAnAccessLogAndStoppedOnce() throws Exception {
        try (Cli cli = run("serve", "--listen", "http=127.0.0.1:0", "--admin", "127.0.0.1:0", "--workers", "1",
                "--access-log")) {
            int port = Integer.parseInt(cli.awaitErr(Pattern.compile("listening: http on 127\\.0\\.0\\.1:(\\d+)")).group(1));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> hello = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello?x=1"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(hello.statusCode()).isEqualTo(200);
            cli.awaitErr(Pattern.compile("access: 127\\.0\\.0\\.1:\\d+ \"GET /hello\\?x=1 HTTP/1\\.1\" 200 \\d+\\.\\d\\dms$"));
            cli.terminate();
            assertThat(cli.exit()).isZero();
            assertThat(cli.err).allSatisfy(l -> assertThat(l).matches(LOG_LINE));
            assertThat(cli.err.getFirst()).contains("jselectors 0.1.0-SNAPSHOT (commit ", "on Java 25");
            assertThat(cli.err.get(1)).as("the second line says what the server sized itself to")
                    .containsPattern("memory: \\d+ MiB given .*; heap at most \\d+ MiB; direct buffers at most \\d+ MiB .*"
                            + "; buffer pool 1 arena\\(s\\) of 1024 KiB chunks");
            assertThat(cli.err).filteredOn(l -> l.contains("stopped")).singleElement().asString()
                    .containsPattern("stopped after \\d+(ms|s)");
            assertThat(cli.err).noneMatch(l -> l.contains("PT"));
        }
    }

    @Test
    void jsonLogFormatFromTheEnvironment() throws Exception {
        try (Cli cli = new Cli(Map.of("JSELECTORS_LOG_FORMAT", "json"), "serve", "--listen", "echo=127.0.0.1:0",
                "--admin", "off")) {
            cli.awaitErr(Pattern.compile("listening: echo on"));
            cli.terminate();
            assertThat(cli.exit()).isZero();
            assertThat(cli.err).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
            assertThat(cli.err).anySatisfy(l -> assertThat(l).contains("\"level\":\"INFO\"", "\"formattedMessage\":\"listening: echo on"));
        }
    }

    @Test
    void logFlagsWinOverTheEnvironment() throws Exception {
        // The environment says json at ERROR (no INFO line at all); the flags reconfigure to text at INFO.
        try (Cli cli = new Cli(Map.of("JSELECTORS_LOG_FORMAT", "json", "JSELECTORS_LOG_LEVEL", "error"), "serve",
                "--listen", "echo=127.0.0.1:0", "--admin", "off", "--log-format", "text", "--log-level", "info")) {
            cli.awaitErr(Pattern.compile("listening: echo on"));
            cli.terminate();
            assertThat(cli.exit()).isZero();
            assertThat(cli.err).isNotEmpty().allSatisfy(l -> assertThat(l).matches(LOG_LINE));
        }
    }

    @Test
    void adminListenerServesTlsWithTheServerCertificateFromTheEnvironment(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path cert = dir.resolve("cert.pem");
        java.nio.file.Path key = dir.resolve("key.pem");
        try (Cli made = run("cert", "--out", dir.toString(), "--host", "localhost")) {
            assertThat(made.exit()).isZero();
        }
        try (Cli cli = new Cli(Map.of("JSELECTORS_ADMIN", "admin+tls=127.0.0.1:0", "JSELECTORS_TLS_CERT", cert.toString(),
                "JSELECTORS_TLS_KEY", key.toString()), "serve", "--listen", "echo=127.0.0.1:0", "--workers", "1")) {
            int admin = Integer.parseInt(cli.awaitErr(Pattern.compile("listening: admin on 127\\.0\\.0\\.1:(\\d+)")).group(1));
            String url = "https://localhost:" + admin;
            var fetched = io.jselectors.server.fetch.FetchRun.run("--timeout", "20s", "--cacert", cert.toString(), url + "/healthz",
                    url + "/metrics");
            assertThat(fetched.status()).as(fetched.err()).isZero();
            assertThat(fetched.out()).contains("2 responses, 0 failed", "status 200 x2");
            Assumptions.assumeTrue(Tools.runs("curl", "--version"), "curl is not installed (scripts/install-test-tools.sh installs it)");
            Process curl = new ProcessBuilder("curl", "-sS", "--cacert", cert.toString(), url + "/metrics").redirectErrorStream(true).start();
            String scraped = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(curl.exitValue()).as(scraped).isZero();
            assertThat(scraped).contains("# TYPE ", "jselectors_tls_handshakes");
        }
    }
}
