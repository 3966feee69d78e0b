package io.jselectors.protocol;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * What a protocol knows of the listener it serves: its settings, where to register meters, and the
 * state shared by all its connections.
 */
public interface ListenerContext {

    /** The protocol's name. */
    String protocol();

    /** The address the listener is bound to. */
    InetSocketAddress address();

    /**
     * Protocol options from the command line ({@code --option chat.max-line=8192}) or
     * environment, by name without the protocol prefix ({@code max-line}).
     */
    Map<String, String> options();

    /** An option as a string, or {@code defaultValue}. */
    default String option(String name, String defaultValue) {
        return options().getOrDefault(name, defaultValue);
    }

    /** An option as a long, or {@code defaultValue}; a malformed value is an error naming it. */
    default long longOption(String name, long defaultValue) {
        String value = options().get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(protocol() + " option " + name + " must be a number: " + value);
        }
    }

    /**
     * The registry to create meters in. Meters get the listener's tags ({@code protocol}, {@code
     * listener}) added by the server.
     */
    MeterRegistry meterRegistry();

    /** What {@link Protocol#createSharedState} returned for this listener, or {@code null}. */
    Object sharedState();

    /**
     * What this server's listeners share ({@link SharedServices}). The default, for contexts outside
     * a server (the testkit's), is a registry of this call's own: nothing is shared with anyone.
     */
    default SharedServices sharedServices() {
        return new SharedServices();
    }

    /**
     * The class loader the server found its protocols in: its own class path and every plugin jar
     * of {@code --plugins}. A protocol that collects services plugins provide for it (the http
     * listener's {@link WebSocketEndpointProvider}s) loads them with {@link java.util.ServiceLoader}
     * from this loader, so a plugin jar's providers are found, not only the class path's. The
     * default, for contexts outside a server (the testkit's), is the loader of this API.
     */
    default ClassLoader pluginClassLoader() {
        return ListenerContext.class.getClassLoader();
    }

    /** {@link #sharedState()} cast to {@code type}. */
    default <T> T sharedState(Class<T> type) {
        return type.cast(sharedState());
    }
}
