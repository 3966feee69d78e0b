package io.jselectors.server.tls;

import io.jselectors.connection.tls.TlsEngines;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The server's TLS settings, made once and shared by every listener and loop: TLS 1.3 and 1.2
 * only, the JDK's default cipher suites, certificates from an {@link SniKeyManager} (replaceable
 * for reloads), and the ALPN protocols of each listener.
 *
 * {@snippet :
 * TlsContext tls = TlsContext.create(new SniKeyManager(List.of(certifiedKey)));
 * SSLEngine engine = tls.newServerEngine(List.of("http/1.1"));
 * }
 */
public final class TlsContext {

    /** The protocol versions served: 1.0 and 1.1 are deprecated (RFC 8996), 1.3 preferred. */
    public static final List<String> PROTOCOLS = TlsEngines.PROTOCOLS;

    private final SSLContext context;
    private final SniKeyManager keys;
    private final String[] protocols;
    /** Each ALPN list's engine parameters, made once and shared: see {@link TlsEngines#serverParameters}. */
    private final Map<List<String>, SSLParameters> parameters = new ConcurrentHashMap<>();

    private TlsContext(SSLContext context, SniKeyManager keys) {
        this.context = context;
        this.keys = keys;
        this.protocols = TlsEngines.protocols(context);
    }

    /** A context serving the certificates of {@code keys}. */
    public static TlsContext create(SniKeyManager keys) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {Objects.requireNonNull(keys, "keys")}, null, new SecureRandom());
        return new TlsContext(context, keys);
    }

    /** The certificates, for reloads and the not-after gauges. */
    public SniKeyManager keys() {
        return keys;
    }

    /**
     * A server-side engine; {@code alpn} lists the application protocols offered in preference
     * order (empty: no ALPN). A client that offers ALPN but none of these is refused by the JDK
     * with a {@code no_application_protocol} alert (RFC 7301).
     */
    public SSLEngine newServerEngine(List<String> alpn) {
        SSLParameters shared = parameters.get(alpn);
        if (shared == null) {
            shared = parameters.computeIfAbsent(List.copyOf(alpn), a -> TlsEngines.serverParameters(context, protocols, a));
        }
        return TlsEngines.newServerEngine(context, shared);
    }

    /** The protocol versions an engine of this context enables. */
    public List<String> protocols() {
        return List.of(protocols);
    }
}
