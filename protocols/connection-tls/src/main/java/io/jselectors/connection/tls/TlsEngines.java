package io.jselectors.connection.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a server-side engine is set up, written once for the server's listeners and the testkit's
 * TLS tester: TLS 1.3 and 1.2 only, the JDK's default cipher suites in the server's order, and the
 * listener's ALPN protocols; and the client side of a test of a server with its own certificate
 * ({@link #clientTrusting}).
 */
public final class TlsEngines {

    /** The protocol versions served: 1.0 and 1.1 are deprecated (RFC 8996), 1.3 preferred. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private TlsEngines() {}

    /** The versions of {@link #PROTOCOLS} that {@code context} supports; at least one, or it throws. */
    public static String[] protocols(SSLContext context) {
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        String[] protocols = PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new);
        if (protocols.length == 0) {
            throw new IllegalStateException("this JDK supports neither TLSv1.3 nor TLSv1.2");
        }
        return protocols;
    }

    /**
     * A server-side engine of {@code context}; {@code alpn} lists the application protocols offered
     * in preference order (empty: no ALPN). A client that offers ALPN but none of these is refused
     * by the JDK with a {@code no_application_protocol} alert (RFC 7301).
     */
    public static SSLEngine newServerEngine(SSLContext context, List<String> alpn) {
        return newServerEngine(context, protocols(context), alpn);
    }

    /** As {@link #newServerEngine(SSLContext, List)}, with the versions already chosen. */
    public static SSLEngine newServerEngine(SSLContext context, String[] protocols, List<String> alpn) {
        return newServerEngine(context, serverParameters(context, protocols, alpn));
    }

    /**
     * What every server engine of {@code context} for one listener is given: a fresh server
     * engine's own parameters with {@code protocols}, the ALPN protocols {@code alpn} in preference
     * order and the server's cipher suite order set, and the cipher suites left unset (an engine
     * then keeps the context's, the JDK's defaults, which a fresh engine's are). Made once per
     * listener and shared by its engines ({@link #newServerEngine(SSLContext, SSLParameters)}):
     * an engine copies what it is given, so sharing is safe as long as nobody changes the object.
     */
    public static SSLParameters serverParameters(SSLContext context, String[] protocols, List<String> alpn) {
        SSLEngine probe = context.createSSLEngine();
        probe.setUseClientMode(false);
        SSLParameters params = probe.getSSLParameters();
        params.setProtocols(protocols.clone());
        params.setApplicationProtocols(alpn.toArray(String[]::new));
        params.setUseCipherSuitesOrder(true);
        params.setCipherSuites(null);
        return params;
    }

    /**
     * A server-side engine of {@code context} set up with {@code shared} (from {@link
     * #serverParameters}, not changed since). One call per connection where reading the engine's
     * parameters back, changing and setting them would be three: reading them copies every list
     * the engine has (cipher suites, versions, schemes, groups) and setting the cipher suites
     * looks each name up again, per connection, for the values the engine had already.
     */
    public static SSLEngine newServerEngine(SSLContext context, SSLParameters shared) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(shared);
        return engine;
    }

    /**
     * A client context that trusts {@code certificate} and nothing else: the peer of a server that
     * serves a development certificate (the testkit's, a server test's).
     *
     * @throws GeneralSecurityException if the JDK cannot make the trust store or the context
     */
    public static SSLContext clientTrusting(Certificate certificate) throws GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try {
            trusted.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("an empty in-memory key store could not be made", e);
        }
        trusted.setCertificateEntry("server", certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
