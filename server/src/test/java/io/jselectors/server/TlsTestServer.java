package io.jselectors.server;

import io.jselectors.connection.tls.TlsEngines;
import io.jselectors.connection.tls.TlsObserver;
import io.jselectors.server.tls.CertifiedKey;
import io.jselectors.server.tls.SelfSignedCertificate;
import io.jselectors.server.tls.SniKeyManager;
import io.jselectors.server.tls.TlsContext;
import io.jselectors.server.tls.TlsListeners;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The TLS set-up server tests share: a self-signed certificate for {@code localhost} and {@code
 * 127.0.0.1}, a server whose TLS listeners serve it (the protocols on the class path, a throw-away
 * registry), and a client context that trusts that certificate and nothing else. {@link #close()}
 * stops the server, then the listeners' TLS context.
 */
final class TlsTestServer implements AutoCloseable {

    private final Server server;
    private final TlsListeners tls;

    private TlsTestServer(Server server, TlsListeners tls) {
        this.server = server;
        this.tls = tls;
    }

    /** A fresh development certificate for {@code localhost} and {@code 127.0.0.1}. */
    static CertifiedKey localhostKey() throws Exception {
        return SelfSignedCertificate.generate(List.of("localhost", "127.0.0.1"), Instant.now());
    }

    /** Starts a server with {@code settings}, its TLS listeners serving {@code key} and reporting to {@code observer}. */
    static TlsTestServer start(ServerSettings settings, CertifiedKey key, TlsObserver observer) throws Exception {
        TlsListeners tls = listeners(key, observer);
        try {
            return new TlsTestServer(Server.start(settings, Protocols.load(TlsTestServer.class.getClassLoader()),
                    new SimpleMeterRegistry(), "", tls), tls);
        } catch (Exception | Error e) {
            tls.close();
            throw e;
        }
    }

    /** TLS listeners serving {@code key} (no reloading), for a test that starts its server itself. */
    static TlsListeners listeners(CertifiedKey key, TlsObserver observer) throws Exception {
        return new TlsListeners(TlsContext.create(new SniKeyManager(List.of(key))), null, observer);
    }

    /** A client context that trusts {@code key}'s certificate and nothing else. */
    static SSLContext trusting(CertifiedKey key) throws Exception {
        return TlsEngines.clientTrusting(key.leaf());
    }

    /** The running server. */
    Server server() {
        return server;
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } finally {
            tls.close();
        }
    }
}
