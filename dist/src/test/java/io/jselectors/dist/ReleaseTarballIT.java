package io.jselectors.dist;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball as an operator uses it: unpacked with tar into an empty directory, outside
 * the repository, and started with its own launcher on nothing but a JDK 25 (this JVM's, given as
 * JAVA_HOME; PATH holds only the system's directories). The server must answer /healthz and echo,
 * then drain and exit 0 on SIGTERM, as under systemd; the unit itself passes systemd-analyze.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseTarballIT {

    private static final Path TARBALL = Path.of(System.getProperty("jselectors.tarball", "target/jselectors.tar.gz"));
    private static final String VERSION = System.getProperty("jselectors.version", "");
    /** A cold JVM on a loaded 2-core machine. */
    private static final Duration READY_DEADLINE = Duration.ofSeconds(60);
    /** The drain this test asks for; the exit must come after it, not from a SIGKILL. */
    private static final Duration DRAIN = Duration.ofSeconds(2);
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(60);
    private static final Duration TOOL_DEADLINE = Duration.ofSeconds(60);
    private static final String SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

    @TempDir
    static Path unpacked;
    private Path home;

    @BeforeAll
    void unpack() throws Exception {
        assertThat(TARBALL).as("the build's tarball").isRegularFile();
        assertThat(run(unpacked, List.of("tar", "-xzf", TARBALL.toAbsolutePath().toString())).exit()).isZero();
        home = unpacked.resolve("jselectors-" + VERSION);
        assertThat(home).isDirectory();
    }

    @Test
    void holdsTheJarLauncherUnitManifestsReadmeAndLicense() {
        assertThat(home.resolve("bin/jselectors")).isExecutable();
        for (String file : List.of("lib/jselectors.jar", "lib/jdk.sh", "lib/jvm-options.sh", "systemd/jselectors.service", "README.md", "LICENSE",
                "k8s/deployment.yaml", "k8s/service.yaml", "k8s/podmonitor.yaml")) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
    }

    @Test
    void jarSaysItsVersionAndCommit() throws Exception {
        Properties built = new Properties();
        try (ZipFile jar = new ZipFile(home.resolve("lib/jselectors.jar").toFile());
                InputStream in = jar.getInputStream(jar.getEntry("jselectors-version.properties"))) {
            built.load(in);
        }
        assertThat(built.getProperty("version")).isEqualTo(VERSION);
        // The build ran in this checkout: the commit is its HEAD (marked -dirty with local changes).
        Result head = run(Path.of("."), List.of("git", "rev-parse", "--short=12", "HEAD"));
        Assumptions.assumeTrue(head.exit() == 0, "not a git checkout: the commit is 'unknown' by design");
        assertThat(built.getProperty("commit")).startsWith(head.output().strip()).matches("[0-9a-f]{12}(-dirty)?");
    }

    @Test
    void launcherStartsTheServerWhichDrainsOnSigterm() throws Exception {
        int echo = freePort();
        int admin = freePort();
        Path log = unpacked.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/jselectors").toString(), "serve",
                "--listen", "echo=127.0.0.1:" + echo, "--admin", "127.0.0.1:" + admin,
                "--drain-timeout", DRAIN.toSeconds() + "s")
                .directory(unpacked.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("JSELECTORS_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", SYSTEM_PATH);
        Process server = builder.start();
        try {
            awaitHealthy(admin, server, log);
            // lib/jvm-options.sh took effect: the heap's budget is the launcher's, not a share of the machine.
            Matcher heap = Pattern.compile("heap at most (\\d+) MiB").matcher(Files.readString(log));
            assertThat(heap.find()).as("the memory line; log:%n%s", Files.readString(log)).isTrue();
            assertThat(Integer.parseInt(heap.group(1))).as("heap budget, MiB").isBetween(32, 64);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", echo), 5_000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write("from the tarball\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                byte[] back = socket.getInputStream().readNBytes("from the tarball\n".length());
                assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("from the tarball\n");
            }
            // The launcher execs java, so this is the JVM itself: SIGTERM, as systemd sends it.
            server.destroy();
            assertThat(server.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            assertThat(server.exitValue()).as("exit status after the drain; log:%n%s", Files.readString(log)).isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void systemdUnitVerifies() throws Exception {
        Result probe = run(unpacked, List.of("sh", "-c", "command -v systemd-analyze"));
        Assumptions.assumeTrue(probe.exit() == 0, "no systemd-analyze here (Debian package systemd)");
        // The unit names /opt/jselectors; point it at the unpacked launcher so its ExecStart exists.
        String unit = Files.readString(home.resolve("systemd/jselectors.service"))
                .replace("/opt/jselectors/", home.toAbsolutePath() + "/");
        Path copy = Files.createDirectories(unpacked.resolve("unit")).resolve("jselectors.service");
        Files.writeString(copy, unit);
        Result verify = run(unpacked, List.of("systemd-analyze", "verify", copy.toString()));
        assertThat(verify.exit()).as(verify.output()).isZero();
        // Unknown keys are only warnings to systemd-analyze: any output at all is a finding.
        assertThat(verify.output().strip()).isEmpty();
    }

    private void awaitHealthy(int admin, Process server, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI healthz = URI.create("http://127.0.0.1:" + admin + "/healthz");
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("server exited early; log:%n%s", Files.readString(log)).isTrue();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(healthz).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("/healthz never answered 200 within " + READY_DEADLINE + " (last: " + last + "); log:\n"
                + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("dist-tool", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!process.waitFor(TOOL_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + command);
            }
            return new Result(process.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
