package io.jselectors.protocol.chat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The cluster link's meters ({@code jselectors.chat.cluster.*}). Counters are a striped add each;
 * gauges are read only when scraped, so a loop thread pays nothing for them.
 */
final class ClusterMeters implements AutoCloseable {

    /** Why a message did not reach the other instances. */
    enum Drop {
        /** The hand-off queue to the cluster thread was full; the sender was told. */
        HANDOFF_FULL("handoff-full"),
        /** The broker was unreachable; users were told once when it went down (and the sender of a line already handed off). */
        UNREACHABLE("unreachable"),
        /** The publish failed on every attempt while the broker seemed up; a user's line: its sender was told. */
        FAILED("failed"),
        /** Published by another instance but never received here: a gap in its sequence numbers. */
        MISSED("missed"),
        /** Received, but the local loops already had too many deliveries waiting. */
        RECEIVE_BACKLOG("receive-backlog"),
        /**
         * Received on the cluster subject but not in this build's wire format: an instance of another
         * jselectors version (the format is not kept compatible across versions) or a foreign publisher.
         */
        UNREADABLE("unreadable");

        final String tag;

        Drop(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter published;
    private final Counter received;
    private final Counter reconnects;
    private final Counter duplicates;
    private final Counter[] dropped = new Counter[Drop.values().length];
    private final AtomicInteger connected = new AtomicInteger();

    ClusterMeters(MeterRegistry registry, Supplier<Number> handoffDepth, Supplier<Number> receiveBacklog,
            Supplier<Number> presenceEntries, Supplier<Number> instances) {
        this.registry = registry;
        gauge("jselectors.chat.cluster.connected", "1 while the broker connection is up, else 0", connected::get);
        gauge("jselectors.chat.cluster.handoff.depth", "Messages waiting for the cluster thread to send them", handoffDepth);
        gauge("jselectors.chat.cluster.receive.backlog", "Received deliveries queued on loops, not yet run", receiveBacklog);
        gauge("jselectors.chat.cluster.presence.entries", "Members of other instances known to presence", presenceEntries);
        gauge("jselectors.chat.cluster.instances", "Other instances heard from within the presence TTL", instances);
        published = counter("jselectors.chat.cluster.published", "Messages published to the broker");
        received = counter("jselectors.chat.cluster.received", "Messages received from the broker (other instances')");
        reconnects = counter("jselectors.chat.cluster.reconnects", "Times the broker connection came back after a loss");
        duplicates = counter("jselectors.chat.cluster.duplicates",
                "Messages received again (a retried publish had gone through after all), ignored");
        for (Drop drop : Drop.values()) {
            Counter c = Counter.builder("jselectors.chat.cluster.dropped")
                    .description("Messages that did not cross to or from the other instances, by reason")
                    .tag("reason", drop.tag)
                    .register(registry);
            meters.add(c);
            dropped[drop.ordinal()] = c;
        }
    }

    private void gauge(String name, String description, Supplier<Number> value) {
        meters.add(Gauge.builder(name, value).description(description).strongReference(true).register(registry));
    }

    private Counter counter(String name, String description) {
        Counter c = Counter.builder(name).description(description).register(registry);
        meters.add(c);
        return c;
    }

    void connected(boolean up) {
        connected.set(up ? 1 : 0);
    }

    void published(int count) {
        published.increment(count);
    }

    void received() {
        received.increment();
    }

    void reconnected() {
        reconnects.increment();
    }

    void dropped(Drop why) {
        dropped[why.ordinal()].increment();
    }

    void dropped(Drop why, long count) {
        dropped[why.ordinal()].increment(count);
    }

    void duplicate() {
        duplicates.increment();
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
