package io.jselectors.protocol.chat.broker;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where the broker is and how this instance appears in the cluster.
 *
 * @param servers the broker URLs ({@code nats://host:4222}, {@code tls://...}, {@code
 *     redis://host:6379}, {@code rediss://...}); user info in a URL is a credential
 * @param cluster the cluster name: instances with the same name on the same broker form one chat
 * @param instance this instance's id, unique in the cluster (random, chosen at start)
 * @param user the broker user, or null (options or environment; never logged)
 * @param password the broker password or token, or null (never logged)
 * @param trustedCertificates a PEM file of the certificates (CAs, or the broker's own) to trust for
 *     TLS to the broker instead of the JVM's default trust store, or null
 * @param nickLease how long a nick claim lives unless renewed
 */
public record BrokerSettings(List<URI> servers, String cluster, String instance, String user, String password,
        Path trustedCertificates, Duration nickLease) {

    /** The first delay after a lost connection: short, a broker restart is often quick. */
    public static final Duration BACKOFF_MIN = Duration.ofMillis(100);

    /** The longest delay between attempts: a broker back up is noticed within this time. */
    public static final Duration BACKOFF_MAX = Duration.ofSeconds(2);

    /** How long one broker call (connect, nick claim) may take before it counts as failed. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    /**
     * How long one publish may wait for the broker's reply (where the client waits for one: Redis)
     * before it is given up and retried on a fresh connection. Longer than {@link #CALL_TIMEOUT}:
     * on a loaded machine a reply later than 2 s is common and is not a lost broker (the cluster
     * test lost a join notice that way), while each retry costs a reconnect and may publish twice
     * (receivers drop the second by its sequence number).
     */
    public static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(5);

    public BrokerSettings {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("chat cluster: no broker URL");
        }
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(nickLease, "nickLease");
    }

    /** The broker URLs as they may be logged: scheme, host and port, no user info. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (URI uri : servers) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(uri.getScheme()).append("://").append(uri.getHost());
            if (uri.getPort() >= 0) {
                out.append(':').append(uri.getPort());
            }
        }
        return out.toString();
    }

    /** Whether the URLs ask for TLS ({@code tls://}, {@code rediss://}) or a trust file was given. */
    public boolean tls() {
        String scheme = servers.getFirst().getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("tls") || scheme.equals("rediss") || trustedCertificates != null;
    }

    /**
     * The TLS context for the broker connection: trusting {@link #trustedCertificates()} if given,
     * else the JVM's default trust store.
     *
     * @throws IllegalArgumentException if the trust file cannot be read or holds no certificate
     *     (an error at start-up, naming the file)
     */
    public SSLContext sslContext() {
        try {
            if (trustedCertificates == null) {
                return SSLContext.getDefault();
            }
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(trustedCertificates)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("chat option cluster-ca: no certificate in " + trustedCertificates);
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                trust.setCertificateEntry("broker-ca-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("chat option cluster-ca: cannot use " + trustedCertificates + ": " + e.getMessage(), e);
        }
    }

    /** TLS parameters that check the broker's certificate names the host connected to (RFC 6125). */
    public static SSLParameters verifyingHostName() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    /** The delay before reconnect attempt {@code attempt} (0 first): doubling from the minimum to the maximum. */
    public static Duration backoff(int attempt) {
        long millis = BACKOFF_MIN.toMillis() << Math.min(attempt, 10);
        return Duration.ofMillis(Math.min(millis, BACKOFF_MAX.toMillis()));
    }

    /** Never prints the password or a URL's user info. */
    @Override
    public String toString() {
        return "BrokerSettings[" + describe() + ", cluster=" + cluster + ", instance=" + instance
                + (user != null ? ", user=" + user : "") + (password != null ? ", password=***" : "")
                + (trustedCertificates != null ? ", trustedCertificates=" + trustedCertificates : "")
                + ", nickLease=" + nickLease + "]";
    }
}
