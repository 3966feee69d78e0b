package io.jselectors.protocol.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https through {@link FetchClient}: trust (a CA file, the JDK's store, insecure), host name
 * verification, SNI and ALPN as the server saw them, keep-alive per origin, http and https in one
 * run, and the one-line errors for the certificate problems people meet.
 */
class FetchTlsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static Path caFile;

    @BeforeAll
    static void makeCa() throws Exception {
        pki = TestPki.create("jselectors test CA");
        caFile = pki.caPem(dir.resolve("ca.pem"));
    }

    private static List<FetchResult> fetch(TlsTrust trust, int concurrency, List<String> urls) throws Exception {
        try (FetchClient client = new FetchClient(new FetchOptions(concurrency, 1, TIMEOUT, null, 1024, trust))) {
            return client.run(urls, r -> { });
        }
    }

    private static TlsTestServer serve(TestPki.Issued cert) throws Exception {
        return new TlsTestServer(cert.serverContext());
    }

    @Test
    void trustsTheCaFileVerifiesTheHostSendsSniOffersAlpnAndReusesTheConnection() throws Exception {
        try (TlsTestServer server = serve(pki.issue("localhost", "127.0.0.1"))) {
            String base = "https://localhost:" + server.port();
            try (FetchClient client = new FetchClient(FetchOptions.of(1, 3, TIMEOUT).withTrust(TlsTrust.caFiles(List.of(caFile))))) {
                List<FetchResult> results = client.run(List.of(base + "/a?x=1"), r -> { });
                assertThat(results).allSatisfy(r -> assertThat(r.error()).isNull());
                assertThat(results).extracting(FetchResult::status).containsExactly(200, 200, 200);
                assertThat(results).extracting(FetchResult::bodyBytes).containsOnly((long) "/a?x=1".length());
                assertThat(client.connectionsOpened()).isEqualTo(1);
                assertThat(client.reuses()).isEqualTo(2);
            }
            assertThat(server.handshakes).containsExactly("sni=localhost alpn=http/1.1");
            // An IP literal: verified against the certificate's IP address, and no SNI (RFC 6066 forbids it).
            List<FetchResult> byIp = fetch(TlsTrust.caFiles(List.of(caFile)), 1, List.of("https://127.0.0.1:" + server.port() + "/"));
            assertThat(byIp.getFirst().error()).isNull();
            assertThat(server.handshakes).contains("sni=none alpn=http/1.1");
        }
    }

    @Test
    void httpAndHttpsMixInOneRunEachKeptAlivePerOrigin() throws Exception {
        HttpServer plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        plain.createContext("/", ex -> {
            byte[] body = "plain".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        plain.start();
        try (TlsTestServer server = serve(pki.issue("localhost"))) {
            String https = "https://localhost:" + server.port() + "/secure";
            String http = "http://localhost:" + plain.getAddress().getPort() + "/";
            // One at a time, so which connection each fetch finds idle does not depend on timing.
            try (FetchClient client = new FetchClient(new FetchOptions(1, 1, TIMEOUT, null, 64, TlsTrust.caFiles(List.of(caFile))))) {
                List<FetchResult> results = client.run(List.of(https, https, http, http), r -> { });
                assertThat(results).hasSize(4).allSatisfy(r -> assertThat(r.error()).isNull());
                assertThat(results).filteredOn(r -> r.url().equals(https))
                        .allSatisfy(r -> assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("/secure"));
                assertThat(results).filteredOn(r -> r.url().equals(http))
                        .allSatisfy(r -> assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("plain"));
                assertThat(client.connectionsOpened()).isEqualTo(2);
                assertThat(client.reuses()).isEqualTo(2);
            }
            assertThat(server.connections.get()).isEqualTo(1);
        } finally {
            plain.stop(0);
        }
    }

    @Test
    void anExpiredCertificateIsRefusedInOneLine() throws Exception {
        Instant now = Instant.now();
        try (TlsTestServer server = serve(pki.issue(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), "localhost"))) {
            FetchResult r = fetch(TlsTrust.caFiles(List.of(caFile)), 1, List.of("https://localhost:" + server.port() + "/")).getFirst();
            assertThat(r.ok()).isFalse();
            assertThat(r.error()).startsWith("TLS handshake with localhost:" + server.port() + ": the certificate expired on ")
                    .contains("CN=localhost").doesNotContain("\n");
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedNamingBoth() throws Exception {
        try (TlsTestServer server = serve(pki.issue("other.test"))) {
            FetchResult r = fetch(TlsTrust.caFiles(List.of(caFile)), 1, List.of("https://localhost:" + server.port() + "/")).getFirst();
            assertThat(r.error()).startsWith("TLS handshake with localhost:" + server.port()
                    + ": the certificate is not for localhost (it names other.test)").doesNotContain("\n");
        }
    }

    @Test
    void anUnknownCaIsRefusedByDefaultAndInsecureAcceptsAnything() throws Exception {
        try (TlsTestServer server = serve(pki.issue("other.test"))) {
            String url = "https://localhost:" + server.port() + "/x";
            FetchResult r = fetch(TlsTrust.system(), 1, List.of(url)).getFirst();
            assertThat(r.error()).isEqualTo("TLS handshake with localhost:" + server.port()
                    + ": signed by an unknown CA (CN=jselectors test CA)");
            TestPki other = TestPki.create("another CA");
            FetchResult wrongCa = fetch(TlsTrust.caFiles(List.of(other.caPem(dir.resolve("other.pem")))), 1, List.of(url)).getFirst();
            assertThat(wrongCa.error()).contains("signed by an unknown CA (CN=jselectors test CA)");
            FetchResult insecure = fetch(TlsTrust.insecure(), 1, List.of(url)).getFirst();
            assertThat(insecure.error()).isNull();
            assertThat(insecure.status()).isEqualTo(200);
        }
    }

    @Test
    void refusedConnectionsAndPlaintextServersSayWhat() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        FetchResult refused = fetch(TlsTrust.system(), 1, List.of("https://127.0.0.1:" + closedPort + "/")).getFirst();
        assertThat(refused.error()).isEqualTo("connect to 127.0.0.1:" + closedPort + ": ECONNREFUSED (Connection refused)");

        // A plaintext HTTP server answers the ClientHello with a 400, as ours does on a plaintext port.
        try (ScriptedServer plain = new ScriptedServer(s -> {
            s.getInputStream().read(new byte[512]);
            ScriptedServer.write(s, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        })) {
            FetchResult r = fetch(TlsTrust.system(), 1, List.of("https://127.0.0.1:" + plain.port() + "/")).getFirst();
            assertThat(r.error()).startsWith("TLS handshake with 127.0.0.1:" + plain.port()
                    + " failed: the server does not speak TLS here").doesNotContain("\n");
        }
    }

    @Test
    void aServerThatNeverFinishesTheHandshakeTimesOutSayingSo() throws Exception {
        try (ScriptedServer silent = new ScriptedServer(s -> {
            s.getInputStream().read(new byte[512]); // the ClientHello, never answered
            s.getInputStream().read(); // until the client gives up and closes
        })) {
            try (FetchClient client = new FetchClient(FetchOptions.of(1, 1, Duration.ofMillis(500)))) {
                FetchResult r = client.run(List.of("https://127.0.0.1:" + silent.port() + "/"), x -> { }).getFirst();
                assertThat(r.error()).isEqualTo("timed out after 500 ms in the TLS handshake with 127.0.0.1:" + silent.port());
            }
        }
    }

    @Test
    void caFilesAreCheckedBeforeAnyFetch() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "no certificate here\n");
        assertThatThrownBy(() -> new FetchClient(FetchOptions.of(1, 1, TIMEOUT).withTrust(TlsTrust.caFiles(List.of(empty)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("CA file " + empty + ": ");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> new FetchClient(FetchOptions.of(1, 1, TIMEOUT).withTrust(TlsTrust.caFiles(List.of(missing)))))
                .hasMessage("CA file " + missing + ": cannot read it (NoSuchFileException)");
    }
}
