package io.jselectors.protocol.testkit;

import io.jselectors.connection.tls.DevelopmentCertificate;
import io.jselectors.connection.tls.HandshakeGate;
import io.jselectors.connection.tls.TlsEngines;
import io.jselectors.connection.tls.TlsLayer;
import io.jselectors.connection.tls.TlsObserver;
import io.jselectors.connection.tls.TlsSettings;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The TLS of a tester built over TLS: the server's own TLS layer on each connection (its engine set
 * up as the server sets up its engines), a client engine that trusts the test certificate and
 * checks the host name, and one handshake gate per loop. The certificate is made in memory once
 * per JVM (a key pair costs tens of milliseconds).
 *
 * <p>The layer runs the engine's delegated tasks inline: the server hands them to a pool and
 * resumes through the loop's task queue, and so does the layer here, only without the pool, so a
 * test stays on one thread and in one order.
 */
final class TestTls {

    /** A key store password is required by the API; the store never leaves memory. */
    private static final char[] STORE_PASSWORD = "testkit".toCharArray();

    private record Contexts(SSLContext server, SSLContext client) {}

    private static volatile Contexts contexts;

    private final List<String> alpn;
    private final TlsSettings settings;
    private final Map<TestLoop, HandshakeGate> gates = new HashMap<>();

    TestTls(List<String> alpn) {
        this.alpn = List.copyOf(alpn);
        this.settings = new TlsSettings(TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT, this.alpn, Runnable::run);
    }

    /** Puts the server's TLS layer under {@code connection} (not yet opened) and gives it a client. */
    void install(TestConnection connection, TestLoop loop) {
        HandshakeGate gate = gates.computeIfAbsent(loop, l -> new HandshakeGate(HandshakeGate.DEFAULT_MAX_HANDSHAKES));
        SSLEngine server = TlsEngines.newServerEngine(contexts().server(), alpn);
        connection.installLayer(new TlsLayer(server, connection, settings, gate, TlsObserver.NONE));
        connection.useTls(new TlsClient(newClientEngine(), connection));
    }

    private SSLEngine newClientEngine() {
        SSLEngine engine = contexts().client().createSSLEngine(TlsClient.SERVER_NAME, 443);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(TlsEngines.PROTOCOLS.toArray(String[]::new));
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setApplicationProtocols(alpn.toArray(String[]::new));
        engine.setSSLParameters(params);
        return engine;
    }

    private static Contexts contexts() {
        Contexts made = contexts;
        if (made == null) {
            synchronized (TestTls.class) {
                made = contexts;
                if (made == null) {
                    made = makeContexts();
                    contexts = made;
                }
            }
        }
        return made;
    }

    private static Contexts makeContexts() {
        try {
            KeyStore.PrivateKeyEntry entry = DevelopmentCertificate.generate(List.of(TlsClient.SERVER_NAME), Instant.now());
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setEntry("server", entry, new KeyStore.PasswordProtection(STORE_PASSWORD));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, STORE_PASSWORD);
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);

            return new Contexts(server, TlsEngines.clientTrusting(entry.getCertificate()));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("the testkit could not make its TLS test certificate: " + e.getMessage(), e);
        }
    }
}
