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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broker in memory for the chat's own tests ({@code fake://}): connected at once, records what
 * is published, grants claims from a map, and can be held (publish blocks), made to fail the next
 * publishes, or cut off by the test.
 */
final class FakeBroker implements Broker {

    /** The last one opened (tests run one chat at a time). */
    static volatile FakeBroker last;

    final Broker.Events events;
    final BrokerSettings settings;
    final List<byte[]> published = new CopyOnWriteArrayList<>();
    /** Publishes now waiting for {@link #hold}. */
    final AtomicInteger blocked = new AtomicInteger();
    /** How many of the next batches fail after their first message got through. */
    final AtomicInteger failNextBatch = new AtomicInteger();
    /** The sizes of the batches given to {@link #publishAll}, in order. */
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    final ConcurrentHashMap<String, String> claims = new ConcurrentHashMap<>();
    volatile CountDownLatch hold = new CountDownLatch(0);
    volatile boolean up = true;
    /**
     * How many of the next room-line publishes fail while up (a timeout or reset on a loaded
     * machine); only room lines, so a heartbeat at the same moment does not take the failures.
     */
    final AtomicInteger failNext = new AtomicInteger();
    /** Whether a failing publish had reached the broker anyway (a reply later than the timeout). */
    volatile boolean failAfterPublishing;

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
        blocked.incrementAndGet();
        try {
            hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            blocked.decrementAndGet();
        }
        if (!up) {
            throw new BrokerException("publish: not connected");
        }
        if (ClusterWire.decode(message).kind() == 'M' && failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            if (failAfterPublishing) {
                published.add(message);
            }
            throw new BrokerException("publish: read timed out");
        }
        published.add(message);
    }

    /** Records the batch's size, then publishes one by one as the interface's default does. */
    @Override
    public void publishAll(List<byte[]> messages) throws BrokerException {
        batches.add(messages.size());
        if (failNextBatch.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            publish(messages.getFirst());
            throw new BrokerException("publish: read timed out");
        }
        Broker.super.publishAll(messages);
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
