package io.jselectors.protocol.chat.broker;

import java.util.Set;

/**
 * Opens a {@link Broker} for the URL schemes it knows. Implementations register in {@code
 * META-INF/services/io.jselectors.protocol.chat.broker.BrokerProvider}; the chat picks the one whose
 * {@link #schemes()} contain the scheme of the first {@code chat.cluster} URL.
 *
 * {@snippet :
 * Broker broker = provider.open(settings, events); // connects in the background
 * }
 */
public interface BrokerProvider {

    /** The URL schemes served, lower case, e.g. {@code nats} and {@code tls}. */
    Set<String> schemes();

    /**
     * Creates the broker and starts connecting in the background; never blocks on the network.
     * {@code events} hears about the connection and every message of the cluster from then on.
     */
    Broker open(BrokerSettings settings, Broker.Events events);
}
