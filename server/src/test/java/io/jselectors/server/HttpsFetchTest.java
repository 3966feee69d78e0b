package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.protocol.http.client.FetchClient;
import io.jselectors.protocol.http.client.FetchOptions;
import io.jselectors.protocol.http.client.FetchResult;
import io.jselectors.protocol.http.client.ScriptedServer;
import io.jselectors.protocol.http.client.TlsTrust;
import io.jselectors.server.fetch.FetchRun;
import io.jselectors.server.tls.CertifiedKey;
import io.jselectors.server.tls.SelfSignedCertificate;
import io.jselectors.server.tls.SniKeyManager;
import io.jselectors.server.tls.TlsContext;
import io.jselectors.server.tls.TlsListeners;
import io.jselectors.connection.tls.TlsObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jselectors fetch https://...} against our own http+tls listener (certificates from the
 * self-signed generator behind {@code jselectors cert}: good, for another host, expired) and
 * against {@code openssl s_server} as a foreign peer.
 */
class HttpsFetchTest {

    @TempDir
    static Path dir;
    private static CertifiedKey localhost;
    private static Path localhostCert;

    @BeforeAll
    static void certificates() throws Exception {
        localhost = SelfSignedCertificate.generate(List.of("localhost", "127.0.0.1"), Instant.now());
        localhostCert = SelfSignedCertificate.write(localhost, dir.resolve("localhost")).getFirst();
    }

    private static FetchRun.Result fetch(String... args) {
        return FetchRun.run(args);
    }

    /** Our server with one http+tls listener presenting {@code key}; the body gets its port. */
    private interface WithPort {
        void run(int port) throws Exception;
    }

    private static void serving(CertifiedKey key, WithPort body) throws Exception {
        ServerSettings settings = ServerSettings.defaults(List.of(ServerSettings.ListenerSpec.parse("http+tls=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1);
        try (TlsListeners tls = new TlsListeners(TlsContext.create(new SniKeyManager(List.of(key))), null, TlsObserver.NONE)) {
            Server server = Server.start(settings, Protocols.load(HttpsFetchTest.class.getClassLoader()), new SimpleMeterRegistry(), "", tls);
            try {
                body.run(server.address("http").getPort());
            } finally {
                server.shutdown();
            }
        }
    }

    @Test
    void fetchesOverTlsWithTheCacertKeepsAliveAndMixesWithHttp() throws Exception {
        try (ScriptedServer plain = new ScriptedServer(s -> {
            while (ScriptedServer.readRequest(s.getInputStream()) != null) {
                ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nplain");
            }
        })) {
            serving(localhost, port -> {
                String https = "https://localhost:" + port + "/hello";
                FetchRun.Result r = fetch("-c", "1", "--timeout", "20s", "--cacert", localhostCert.toString(), https, https,
                        plain.url("/"), plain.url("/"));
                assertThat(r.status()).as(r.err()).isZero();
                assertThat(r.out()).contains("200", https, "4 responses, 0 failed; 2 connections opened, 2 requests on a kept-alive one");
                assertThat(r.err()).isEmpty();
            });
        }
    }

    @Test
    void insecureAcceptsAnyCertificateAndWarnsOnceOnStderr() throws Exception {
        CertifiedKey other = SelfSignedCertificate.generate(List.of("other.test"), Instant.now());
        serving(other, port -> {
            FetchRun.Result r = fetch("--insecure", "--timeout", "20s", "https://127.0.0.1:" + port + "/hello");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.err().lines().toList()).containsExactly("warning: --insecure: https certificates and host names are not verified");
        });
    }

    @Test
    void certificateProblemsAreOneLineErrorsAndExitOne() throws Exception {
        CertifiedKey other = SelfSignedCertificate.generate(List.of("other.test"), Instant.now());
        Path otherCert = SelfSignedCertificate.write(other, dir.resolve("other")).getFirst();
        serving(other, port -> {
            FetchRun.Result wrongHost = fetch("--timeout", "20s", "--cacert", otherCert.toString(), "https://localhost:" + port + "/hello");
            assertThat(wrongHost.status()).isEqualTo(1);
            assertThat(wrongHost.err().lines().toList()).singleElement().asString()
                    .contains("TLS handshake with localhost:" + port + ": the certificate is not for localhost (it names other.test)");
            FetchRun.Result unknown = fetch("--timeout", "20s", "https://localhost:" + port + "/hello");
            assertThat(unknown.status()).isEqualTo(1);
            assertThat(unknown.err().lines().toList()).singleElement().asString()
                    .contains("TLS handshake with localhost:" + port + ": self-signed certificate not trusted (O=jselectors development,CN=other.test;");
        });
        // Valid for 90 days from 100 days ago.
        CertifiedKey old = SelfSignedCertificate.generate(List.of("localhost"), Instant.now().minus(Duration.ofDays(100)));
        Path oldCert = SelfSignedCertificate.write(old, dir.resolve("old")).getFirst();
        serving(old, port -> {
            FetchRun.Result expired = fetch("--timeout", "20s", "--cacert", oldCert.toString(), "https://localhost:" + port + "/hello");
            assertThat(expired.status()).isEqualTo(1);
            assertThat(expired.err().lines().toList()).singleElement().asString()
                    .contains("TLS handshake with localhost:" + port + ": the certificate expired on ");
        });
    }

    @Test
    void aBadCacertFileIsAUsageError() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
        FetchRun.Result r = fetch("--cacert", notPem.toString(), "https://localhost/");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("--cacert: CA file " + notPem + ": ");
        assertThat(fetch("--insecure", "--cacert", notPem.toString(), "https://localhost/").err())
                .startsWith("--insecure and --cacert exclude each other");
    }

    @Test
    void opensslSServerIsAForeignPeerForTls12AndTls13() throws Exception {
        assumeTrue(Tools.runs("openssl", "version"), "openssl is not installed (scripts/install-test-tools.sh installs it)");
        List<Path> files = SelfSignedCertificate.write(localhost, dir.resolve("openssl"));
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            Process p = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", files.get(0).toString(),
                    "-key", files.get(1).toString(), version, "-alpn", "http/1.1", "-www").redirectErrorStream(true).start();
            try {
                int port = acceptPort(p);
                FetchOptions options = new FetchOptions(1, 2, Duration.ofSeconds(20), null, 64 * 1024, TlsTrust.caFiles(List.of(files.get(0))));
                try (FetchClient client = new FetchClient(options)) {
                    List<FetchResult> results = client.run(List.of("https://localhost:" + port + "/"), r -> { });
                    assertThat(results).hasSize(2).allSatisfy(r -> {
                        assertThat(r.error()).isNull();
                        assertThat(r.status()).isEqualTo(200);
                        // s_server -www answers with a page describing the session it negotiated.
                        assertThat(new String(r.body(), StandardCharsets.ISO_8859_1))
                                .contains(version.equals("-tls1_2") ? "TLSv1.2" : "TLSv1.3");
                    });
                }
            } finally {
                p.destroyForcibly();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** The port s_server prints as {@code ACCEPT 127.0.0.1:PORT}. */
    private static int acceptPort(Process p) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1));
        Pattern accept = Pattern.compile("ACCEPT .*:(\\d+)$");
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            Matcher m = accept.matcher(line);
            if (m.find()) {
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        lines.transferTo(java.io.Writer.nullWriter()); // keep its pipe drained
                    } catch (IOException ignored) {
                        // s_server ended.
                    }
                });
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IOException("openssl s_server exited before accepting");
    }
}
