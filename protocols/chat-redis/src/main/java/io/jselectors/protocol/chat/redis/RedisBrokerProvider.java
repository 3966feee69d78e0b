package io.jselectors.protocol.chat.redis;

import io.jselectors.protocol.chat.broker.Broker;
import io.jselectors.protocol.chat.broker.BrokerProvider;
import io.jselectors.protocol.chat.broker.BrokerSettings;
import java.util.Set;

/** The chat cluster over Redis ({@code redis://}, {@code rediss://}): see {@link RedisBroker}. */
public final class RedisBrokerProvider implements BrokerProvider {

    /** For {@link java.util.ServiceLoader}. */
    public RedisBrokerProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss");
    }

    @Override
    public Broker open(BrokerSettings settings, Broker.Events events) {
        if (settings.servers().size() > 1) {
            // Several URLs would suggest failover, which one plain Redis server does not give.
            throw new IllegalArgumentException("chat option cluster: Redis takes one URL (no Sentinel or Redis Cluster), got "
                    + settings.describe());
        }
        return new RedisBroker(settings, events);
    }
}
