package io.jselectors.protocol.chat.nats;

import io.jselectors.protocol.chat.broker.Broker;
import io.jselectors.protocol.chat.broker.BrokerProvider;
import io.jselectors.protocol.chat.broker.BrokerSettings;
import java.util.Set;

/** The chat cluster over NATS ({@code nats://}, {@code tls://}): see {@link NatsBroker}. */
public final class NatsBrokerProvider implements BrokerProvider {

    /** For {@link java.util.ServiceLoader}. */
    public NatsBrokerProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("nats", "tls");
    }

    @Override
    public Broker open(BrokerSettings settings, Broker.Events events) {
        return new NatsBroker(settings, events);
    }
}
