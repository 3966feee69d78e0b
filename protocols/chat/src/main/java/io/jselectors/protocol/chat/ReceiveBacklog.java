package io.jselectors.protocol.chat;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the deliveries from other instances that wait in loops' task queues: a loop that falls
 * behind (a slow machine, a long GC) must not let the broker's receiving thread pile up tasks
 * without end. Past the capacity a delivery is dropped and counted instead of queued.
 */
final class ReceiveBacklog {

    private final AtomicInteger depth = new AtomicInteger();
    private final int capacity;
    private final Runnable onDrop;

    ReceiveBacklog(int capacity, Runnable onDrop) {
        this.capacity = capacity;
        this.onDrop = onDrop;
    }

    /** Takes one place for a task about to be queued; false (and counted) when full. */
    boolean enter() {
        if (depth.incrementAndGet() > capacity) {
            depth.decrementAndGet();
            onDrop.run();
            return false;
        }
        return true;
    }

    /** The task ran (or was rejected): its place is free. */
    void exit() {
        depth.decrementAndGet();
    }

    int depth() {
        return depth.get();
    }
}
