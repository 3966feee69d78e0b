package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.connection.tls.HandshakeFailure;
import io.jselectors.server.tls.CertifiedKey;
import io.jselectors.server.tls.RecordingObserver;
import io.jselectors.server.tls.SelfSignedCertificate;
import io.jselectors.server.tls.SniKeyManager;
import io.jselectors.server.tls.TlsContext;
import io.jselectors.server.tls.TlsListeners;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wrong kind of client on a port, with real peers: TLS clients (curl, openssl s_client) on
 * plaintext http and chat listeners get a clear error and a close while the listener goes on
 * serving, and a plaintext client on a TLS chat listener is closed.
 */
class WrongPortTlsTest {

    private static final long PROCESS_LIMIT_SECONDS = 60;
    private static final int READ_TIMEOUT_MS = 20_000;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RecordingObserver observer = new RecordingObserver();
    private Server server;
    private TlsListeners tls;

    @BeforeEach
    void start() throws Exception {
        ServerSettings settings = ServerSettings.defaults(List.of(
                        ServerSettings.ListenerSpec.parse("http=127.0.0.1:0", "127.0.0.1"),
                        ServerSettings.ListenerSpec.parse("chat=127.0.0.1:0", "127.0.0.1"),
                        ServerSettings.ListenerSpec.parse("echo+tls=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1);
        CertifiedKey key = SelfSignedCertificate.generate(List.of("localhost"), Instant.now());
        tls = new TlsListeners(TlsContext.create(new SniKeyManager(List.of(key))), null, observer);
        server = Server.start(settings, Protocols.load(getClass().getClassLoader()), registry, "", tls);
    }

    @AfterEach
    void stop() {
        server.shutdown();
        tls.close();
    }

    private double refusals() {
        return registry.get("jselectors.tls.handshake.failures").tag("reason", HandshakeFailure.TLS_ON_PLAINTEXT_PORT.tag())
                .counter().count();
    }

    @Test
    void curlHttpsOnThePlaintextHttpPortPrintsTheHandshakeFailureAndHttpGoesOn() throws Exception {
        assumeTrue(Tools.runs("curl", "--version"), "curl is not installed (scripts/install-test-tools.sh installs it)");
        int port = server.address("http").getPort();
        Result https = run("curl", "-sS", "-k", "--max-time", "20", "https://127.0.0.1:" + port + "/hello");
        assertThat(https.exit()).as(https.output()).isEqualTo(35); // CURLE_SSL_CONNECT_ERROR
        assertThat(https.output()).contains("handshake failure");
        eventually(() -> refusals() == 1);

        Result http = run("curl", "-sS", "--max-time", "20", "http://127.0.0.1:" + port + "/hello");
        assertThat(http.exit()).as(http.output()).isZero();
    }

    @Test
    void opensslOnThePlaintextHttpPortPrintsTheAlert() throws Exception {
        assumeTrue(Tools.runs("openssl", "version"), "openssl is not installed (scripts/install-test-tools.sh installs it)");
        int port = server.address("http").getPort();
        Result r = run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("alert handshake failure");
        eventually(() -> refusals() == 1);
    }

    /**
     * The chat greets first, so the TLS client usually reads the plaintext greeting before our
     * alert and reports that instead: a clear error either way, and the connection is counted and
     * closed while the chat goes on.
     */
    @Test
    void opensslOnThePlaintextChatPortFailsClearlyAndTheChatGoesOn() throws Exception {
        assumeTrue(Tools.runs("openssl", "version"), "openssl is not installed (scripts/install-test-tools.sh installs it)");
        InetSocketAddress chat = server.address("chat");
        Result r = run("openssl", "s_client", "-connect", "127.0.0.1:" + chat.getPort(), "-servername", "localhost");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).containsAnyOf("alert handshake failure", "wrong version number", "packet length too long",
                "record layer failure");
        eventually(() -> refusals() == 1);
        eventually(() -> server.openConnections() == 0);

        try (Socket plain = new Socket()) {
            plain.setSoTimeout(READ_TIMEOUT_MS);
            plain.connect(chat);
            byte[] greeting = plain.getInputStream().readNBytes(10);
            assertThat(new String(greeting, StandardCharsets.UTF_8)).as("a plaintext chat client is still served").isNotBlank();
        }
    }

    @Test
    void plaintextOnATlsEchoPortIsClosedAndCounted() throws Exception {
        plaintextOnATlsPort(server.address("echo"), "hello, no tls\n");
    }

    /** The chat greets first in plaintext; over TLS nothing is sent until the handshake, so a plaintext client only sees the close. */
    @Test
    void plaintextOnATlsChatPortIsClosedAndCounted() throws Exception {
        ServerSettings settings = ServerSettings.defaults(List.of(ServerSettings.ListenerSpec.parse("chat+tls=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1);
        Server chat = Server.start(settings, Protocols.load(getClass().getClassLoader()), new SimpleMeterRegistry(), "chat-", tls);
        try {
            plaintextOnATlsPort(chat.address("chat"), "/nick bob\n");
        } finally {
            chat.shutdown();
        }
    }

    private void plaintextOnATlsPort(InetSocketAddress at, String line) throws Exception {
        try (Socket plain = new Socket()) {
            plain.setSoTimeout(READ_TIMEOUT_MS);
            plain.connect(at);
            plain.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
            assertThat(plain.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
        }
        eventually(() -> observer.events.contains("failed plaintext"));
    }

    private record Result(int exit, String output) {}

    private static Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close(); // s_client would otherwise wait for input
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon().start(() -> TlsServerTest.copy(p.getInputStream(), seen));
        assertThat(p.waitFor(PROCESS_LIMIT_SECONDS, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        reader.join(10_000);
        synchronized (seen) {
            return new Result(p.exitValue(), seen.toString(StandardCharsets.UTF_8));
        }
    }

    /** Waits until {@code condition} holds, failing after a generous limit (a hang guard, not a timing claim). */
    private static void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached within 20 s");
            }
            Thread.sleep(10);
        }
    }
}
