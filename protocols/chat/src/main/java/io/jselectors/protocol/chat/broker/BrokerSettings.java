package io.jselectors.protocol.chat.broker;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where the broker is and how this instance appears in the cluster.
 *
 * @param servers the broker URLs ({@code nats://host:4222}, {@code tls://...}, {@code
 *     redis://host:6379}, {@code rediss://...}); user info in a URL is a credential
 * @param cluster the cluster name: instances with the same name on the same broker form one chat
 * @param instance this instance's id, unique in the cluster (random, chosen at start)
 * @param user the broker user, or null (options or environment; never logged)
 * @param password the broker password or token, or null (never logged)
 * @param nickLease how long a nick claim lives unless renewed
 */
public record BrokerSettings(List<URI> servers, String cluster, String instance, String user, String password,
        Duration nickLease) {

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
                + ", nickLease=" + nickLease + "]";
    }
}
