package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.server.tls.CertifiedKey;
import io.jselectors.server.tls.RecordingObserver;
import io.jselectors.server.tls.SelfSignedCertificate;
import io.jselectors.server.tls.TlsListeners;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS listeners over real sockets on 127.0.0.1: the JDK's client, openssl s_client, curl and Python's ssl. */
class TlsServerTest {

    private static final long PROCESS_LIMIT_SECONDS = 60;

    @TempDir
    static Path dir;
    private static CertifiedKey key;
    private static Path certFile;

    private final RecordingObserver observer = new RecordingObserver();
    private final List<String> events = observer.events;
    private Server server;
    private TlsTestServer running;

    @BeforeAll
    static void certificate() throws Exception {
        key = TlsTestServer.localhostKey();
        certFile = SelfSignedCertificate.write(key, dir).getFirst();
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private InetSocketAddress start(String listen, String transport) throws Exception {
        return start(listen, transport, java.util.Map.of());
    }

    private InetSocketAddress start(String listen, String transport, java.util.Map<String, java.util.Map<String, String>> options)
            throws Exception {
        String selector = transport.equals("nio") ? "nio" : null;
        ServerSettings settings = ServerSettings.defaults(List.of(ServerSettings.ListenerSpec.parse(listen + "=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1).withTransport(transport, selector).withOptions(options);
        running = TlsTestServer.start(settings, key, observer);
        server = running.server();
        return server.address(TlsListeners.baseProtocol(listen));
    }

    private static SSLContext trusting() throws Exception {
        return TlsTestServer.trusting(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "nio"})
    void echoOverTlsWithTheJdkClient(String transport) throws Exception {
        InetSocketAddress at = start("echo+tls", transport);
        try (SSLSocket s = (SSLSocket) trusting().getSocketFactory().createSocket("localhost", at.getPort())) {
            s.setSoTimeout(20_000);
            s.startHandshake();
            byte[] big = new byte[100_000];
            new java.util.Random(1).nextBytes(big);
            OutputStream out = s.getOutputStream();
            out.write(big);
            out.flush();
            assertThat(s.getInputStream().readNBytes(big.length)).isEqualTo(big);
        }
        eventually(Duration.ofSeconds(20), () -> events.contains("done TLSv1.3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void opensslSClientEchoesAndClosesWithCloseNotify(String version) throws Exception {
        assumeTrue(Tools.runs("openssl", "version"), "openssl is not installed (scripts/install-test-tools.sh installs it)");
        InetSocketAddress at = start("echo+tls", "native");
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + at.getPort(), version,
                "-servername", "localhost", "-CAfile", certFile.toString(), "-verify_return_error", "-brief")
                .redirectErrorStream(true).start();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon().start(() -> copy(p.getInputStream(), seen));
        p.getOutputStream().write("hello over tls\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
        eventually(Duration.ofSeconds(30), () -> seen.toString(StandardCharsets.US_ASCII).contains("hello over tls"));
        p.getOutputStream().close(); // s_client sends close_notify and exits
        assertThat(p.waitFor(PROCESS_LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        String text = seen.toString(StandardCharsets.US_ASCII);
        assertThat(text).contains("Protocol version: " + (version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2"));
        assertThat(p.exitValue()).as(text).isZero();
        eventually(Duration.ofSeconds(20), () -> server.openConnections() == 0);
    }

    @Test
    void curlHttpsKeepAliveAndPlaintextGets400() throws Exception {
        assumeTrue(Tools.runs("curl", "--version"), "curl is not installed (scripts/install-test-tools.sh installs it)");
        InetSocketAddress at = start("http+tls", "native");
        String base = "https://localhost:" + at.getPort();
        String out = run("curl", "-sS", "--cacert", certFile.toString(), "-o", "/dev/null", "-o", "/dev/null",
                "-w", "%{http_code} %{num_connects} %{scheme}\\n", base + "/hello", base + "/hello");
        assertThat(out.lines().toList()).containsExactly("200 1 HTTPS", "200 0 HTTPS"); // the second reuses the connection
        String plain = run("curl", "-sS", "-i", "http://127.0.0.1:" + at.getPort() + "/hello");
        assertThat(plain).startsWith("HTTP/1.1 400 Bad Request").contains("use https://");
        assertThat(events).contains("failed plaintext");
    }

    @Test
    void pipelinedHttpsRequestsAreAnsweredInOrderAndAlpnSaysHttp11() throws Exception {
        InetSocketAddress at = start("http+tls", "nio");
        try (SSLSocket s = (SSLSocket) trusting().getSocketFactory().createSocket("localhost", at.getPort())) {
            s.setSoTimeout(20_000);
            javax.net.ssl.SSLParameters params = s.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            s.setSSLParameters(params);
            s.startHandshake();
            assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
            String one = "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n";
            s.getOutputStream().write((one.repeat(16)).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (got.toString(StandardCharsets.US_ASCII).split("HTTP/1.1 200", -1).length - 1 < 16) {
                int n = s.getInputStream().read(buf);
                assertThat(n).as("server closed early after: " + got).isPositive();
                got.write(buf, 0, n);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "nio"})
    void staticFilesGoThroughTheLayerInOrderBetweenPipelinedResponses(String transport) throws Exception {
        Path root = java.nio.file.Files.createDirectories(dir.resolve("www-" + transport));
        byte[] body = new byte[300_000];
        new java.util.Random(7).nextBytes(body);
        java.nio.file.Files.write(root.resolve("big.bin"), body);
        InetSocketAddress at = start("http+tls", transport, java.util.Map.of("http", java.util.Map.of("root", root.toString())));
        try (SSLSocket s = (SSLSocket) trusting().getSocketFactory().createSocket("localhost", at.getPort())) {
            s.setSoTimeout(20_000);
            String get = "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n";
            s.getOutputStream().write((get.formatted("/hello") + get.formatted("/big.bin") + get.formatted("/hello"))
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String first = head(in);
            assertThat(first).startsWith("HTTP/1.1 200");
            in.readNBytes(contentLength(first));
            String second = head(in);
            assertThat(second).startsWith("HTTP/1.1 200").contains("ontent-Length: " + body.length);
            assertThat(in.readNBytes(body.length)).isEqualTo(body);
            assertThat(head(in)).startsWith("HTTP/1.1 200");
        }
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            assertThat(c).as("head so far: " + b).isNotNegative();
            b.append((char) c);
        }
        return b.toString();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        throw new AssertionError("no Content-Length in " + head);
    }

    @Test
    void pythonSslClientEchoes() throws Exception {
        assumeTrue(Tools.runs("python3", "--version"), "python3 is not installed (scripts/install-test-tools.sh installs it)");
        InetSocketAddress at = start("echo+tls", "native");
        String script = String.join("\n",
                "import socket, ssl, sys",
                "ctx = ssl.create_default_context(cafile=sys.argv[1])",
                "with socket.create_connection(('127.0.0.1', int(sys.argv[2])), timeout=20) as raw:",
                "    with ctx.wrap_socket(raw, server_hostname='localhost') as s:",
                "        s.sendall(b'ping from python\\n')",
                "        got = b''",
                "        while not got.endswith(b'\\n'):",
                "            got += s.recv(100)",
                "        print(s.version(), got.decode().strip())",
                "        s.unwrap()", // close_notify both ways
                "");
        String out = run("python3", "-c", script, certFile.toString(), Integer.toString(at.getPort()));
        assertThat(out.trim()).isEqualTo("TLSv1.3 ping from python");
    }

    /** Waits until {@code condition} holds, failing after {@code limit} (a hang guard, not a timing claim). */
    private static void eventually(Duration limit, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached within " + limit);
            }
            Thread.sleep(10);
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon().start(() -> copy(p.getInputStream(), seen));
        assertThat(p.waitFor(PROCESS_LIMIT_SECONDS, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        reader.join(10_000);
        String text = seen.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    /** Copies a process's output into {@code out} (synchronized on it) until the process ends. */
    static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
