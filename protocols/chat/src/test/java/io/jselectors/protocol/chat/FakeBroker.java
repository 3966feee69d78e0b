package io.jselectors.protocol.chat;

import io.jselectors.protocol.chat.broker.Broker;
import io.jselectors.protocol.chat.broker.BrokerException;
import io.jselectors.protocol.chat.broker.BrokerProvider;
import io.jselectors.protocol.chat.broker.BrokerSettings;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A broker in memory for the chat's own tests ({@code fake://}): connected at once, records what
 * is published, grants claims from a map, and can be held (publish blocks) or cut off by the test.
 */
final class FakeBroker implements Broker {

    /** The last one opened (tests run one chat at a time). */
    static volatile FakeBroker last;

    final Broker.Events events;
    final BrokerSettings settings;
    final List<byte[]> published = new CopyOnWriteArrayList<>();
    final ConcurrentHashMap<String, String> claims = new ConcurrentHashMap<>();
    volatile CountDownLatch hold = new CountDownLatch(0);
    volatile boolean up = true;

    FakeBroker(BrokerSettings settings, Broker.Events events) {
        this.settings = settings;
        this.events = events;
        last = this;
        events.connected();
    }

    /** The published messages decoded, of one kind. */
    List<ClusterWire.Message> published(char kind) {
        return published.stream().map(ClusterWire::decode).filter(m -> m.kind() == kind).toList();
    }

    @Override
    public void publish(byte[] message) throws BrokerException {
        try {
            hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!up) {
            throw new BrokerException("publish: not connected");
        }
        published.add(message);
    }

    @Override
    public boolean claim(String key, String owner) {
        return claims.computeIfAbsent(key, k -> owner).equals(owner);
    }

    @Override
    public boolean renew(String key, String owner) {
        return owner.equals(claims.get(key));
    }

    @Override
    public void release(String key, String owner) {
        claims.remove(key, owner);
    }

    @Override
    public boolean isConnected() {
        return up;
    }

    @Override
    public void close() {
        up = false;
    }

    /** Registered in the test resources' META-INF/services. */
    public static final class Provider implements BrokerProvider {
        @Override
        public Set<String> schemes() {
            return Set.of("fake");
        }

        @Override
        public Broker open(BrokerSettings settings, Broker.Events events) {
            return new FakeBroker(settings, events);
        }
    }
}
