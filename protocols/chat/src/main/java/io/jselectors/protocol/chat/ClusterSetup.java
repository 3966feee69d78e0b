package io.jselectors.protocol.chat;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.chat.broker.BrokerProvider;
import io.jselectors.protocol.chat.broker.BrokerSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a chat listener's cluster options and joins the cluster they name, or returns {@link
 * Cluster#local()} when there is none.
 *
 * <p>Options, each with an environment fallback: {@code cluster} ({@code JSELECTORS_CLUSTER}): the
 * broker URLs, comma-separated, all of one scheme ({@code nats}/{@code tls} or {@code
 * redis}/{@code rediss}); {@code cluster-name} ({@code JSELECTORS_CLUSTER_NAME}, default {@value
 * #DEFAULT_NAME}); {@code cluster-user} and {@code cluster-password} ({@code
 * JSELECTORS_CLUSTER_USER}, {@code JSELECTORS_CLUSTER_PASSWORD}); {@code cluster-ca} ({@code
 * JSELECTORS_CLUSTER_CA}): a PEM file of certificates to trust for TLS to the broker instead of the
 * JVM's trust store. Credentials may also sit in the URL's user info; they are never logged.
 */
final class ClusterSetup {

    static final String DEFAULT_NAME = "jselectors";

    /** Cluster names become NATS subjects, KV bucket names and Redis keys: a safe common subset. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Instance ids: six characters from 36, enough that three to a few hundred instances never meet. */
    private static final int ID_LENGTH = 6;

    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

    private ClusterSetup() {}

    /** The cluster for this listener; {@code env} stands for {@link System#getenv(String)}. */
    static Cluster join(ListenerContext listener, ChatState state, Function<String, String> env) {
        String urls = setting(listener, env, "cluster", "JSELECTORS_CLUSTER");
        if (urls == null || urls.isBlank()) {
            return Cluster.local();
        }
        String name = setting(listener, env, "cluster-name", "JSELECTORS_CLUSTER_NAME");
        name = name == null || name.isBlank() ? DEFAULT_NAME : name.trim();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("chat option cluster-name must be 1-64 of A-Z a-z 0-9 _ -: " + name);
        }
        List<URI> servers = parse(urls);
        String scheme = servers.getFirst().getScheme();
        BrokerProvider provider = provider(scheme);
        BrokerSettings settings = new BrokerSettings(servers, name, randomId(),
                setting(listener, env, "cluster-user", "JSELECTORS_CLUSTER_USER"),
                setting(listener, env, "cluster-password", "JSELECTORS_CLUSTER_PASSWORD"),
                trustFile(setting(listener, env, "cluster-ca", "JSELECTORS_CLUSTER_CA")),
                ClusterLink.NICK_LEASE);
        if (settings.tls()) {
            settings.sslContext(); // a trust file that cannot be used stops the start, naming it
        }
        return new ClusterLink(state, settings, events -> provider.open(settings, events), listener.meterRegistry());
    }

    private static Path trustFile(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    private static String setting(ListenerContext listener, Function<String, String> env, String option, String variable) {
        String value = listener.options().get(option);
        return value != null ? value : env.apply(variable);
    }

    /** The URLs; an error names the bad one without its user info. */
    static List<URI> parse(String urls) {
        List<URI> out = new ArrayList<>();
        String scheme = null;
        for (String part : urls.split(",")) {
            String text = part.trim();
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("chat option cluster: not a URL (want nats://HOST:4222 or redis://HOST:6379): "
                        + text.replaceFirst("//[^@/]*@", "//***@"));
            }
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("chat option cluster: want SCHEME://HOST[:PORT], e.g. nats://127.0.0.1:4222, got "
                        + (uri.getScheme() == null ? "no scheme" : uri.getScheme() + "://" + "(no host)"));
            }
            String s = uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme != null && !family(scheme).equals(family(s))) {
                throw new IllegalArgumentException("chat option cluster: every URL must name the same broker, got " + scheme + " and " + s);
            }
            scheme = s;
            out.add(uri);
        }
        return out;
    }

    private static String family(String scheme) {
        return scheme.startsWith("redis") ? "redis" : "nats";
    }

    private static BrokerProvider provider(String scheme) {
        String wanted = scheme.toLowerCase(Locale.ROOT);
        TreeSet<String> known = new TreeSet<>();
        for (BrokerProvider p : ServiceLoader.load(BrokerProvider.class, ClusterSetup.class.getClassLoader())) {
            if (p.schemes().contains(wanted)) {
                return p;
            }
            known.addAll(p.schemes());
        }
        throw new IllegalArgumentException("chat option cluster: no broker client for " + wanted + "://"
                + (known.isEmpty() ? " (none on the class path: add chat-nats or chat-redis)" : " (known: " + String.join(", ", known) + ")"));
    }

    private static String randomId() {
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        return id.toString();
    }
}
