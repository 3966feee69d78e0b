package io.jselectors.protocol.websocket;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which {@code Origin} values may open a session (RFC 6455 section 10.2: browsers send the page's
 * origin, and a server that serves browsers refuses origins it does not trust, else any page could
 * use a visitor's browser to talk to it). Non-browser clients usually send no Origin; they are
 * allowed unless {@code requireOrigin}.
 */
public final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean any;
    private final boolean requireOrigin;
    private final boolean sameOrigin;

    private OriginPolicy(Set<String> allowed, boolean any, boolean requireOrigin, boolean sameOrigin) {
        this.allowed = allowed;
        this.any = any;
        this.requireOrigin = requireOrigin;
        this.sameOrigin = sameOrigin;
    }

    /**
     * Allows pages served by this very host (an Origin of {@code http://HOST} or {@code https://HOST}
     * where HOST is the request's {@code Host}), and requests without an Origin: the default, as a
     * server's own chat page is the usual client.
     */
    public static OriginPolicy sameOrigin() {
        return new OriginPolicy(Set.of(), false, false, true);
    }

    /** Allows every origin (for endpoints that carry no user's authority, such as a public echo). */
    public static OriginPolicy anyOrigin() {
        return new OriginPolicy(Set.of(), true, false, false);
    }

    /**
     * Allows exactly the listed origins, such as {@code https://chat.example.org} (scheme, host and
     * a port if not the default, compared without case), and requests without an Origin.
     */
    public static OriginPolicy allowList(List<String> origins) {
        return new OriginPolicy(
                origins.stream().map(origin -> origin.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()),
                false,
                false,
                false);
    }

    /** Like {@link #allowList} but refusing requests that send no Origin. */
    public static OriginPolicy allowListOnly(List<String> origins) {
        return new OriginPolicy(allowList(origins).allowed, false, true, false);
    }

    /**
     * Whether a request with this {@code Origin} value (null if absent) and {@code Host} value (null
     * if absent) may open a session.
     */
    public boolean allows(String origin, String host) {
        if (origin == null) {
            return !requireOrigin;
        }
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (sameOrigin) {
            String self = host == null ? null : host.trim().toLowerCase(Locale.ROOT);
            return self != null && (normalized.equals("http://" + self) || normalized.equals("https://" + self));
        }
        return any || allowed.contains(normalized);
    }
}
