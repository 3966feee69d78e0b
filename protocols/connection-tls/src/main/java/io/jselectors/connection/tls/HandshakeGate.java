package io.jselectors.connection.tls;

import java.util.ArrayDeque;

/**
 * Bounds the handshakes one loop runs at once, so a flood of new TLS connections cannot starve the
 * established ones of the loop's time: a connection past the bound waits (reading paused, its
 * handshake timer running) until a running handshake ends. One gate per loop; loop thread only.
 */
public final class HandshakeGate {

    /**
     * Concurrent handshakes per loop: each costs a few hundred microseconds of CPU on the loop and
     * the delegated-task threads; 64 keeps a burst of them under a few tens of milliseconds of
     * loop time while still filling the task threads of a many-core machine.
     */
    public static final int DEFAULT_MAX_HANDSHAKES = 64;

    private final int max;
    private int running;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    public HandshakeGate(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max handshakes per loop must be at least 1, not " + max);
        }
        this.max = max;
    }

    /** Takes a slot now (true), or queues {@code admitted} to run once it has one (false). */
    boolean enter(Runnable admitted) {
        if (running < max) {
            running++;
            return true;
        }
        waiting.add(admitted);
        return false;
    }

    /** A waiter went away before it was admitted. */
    void cancel(Runnable admitted) {
        waiting.remove(admitted);
    }

    /** Gives a slot back; the longest waiter gets it. */
    void leave() {
        Runnable next = waiting.poll();
        if (next == null) {
            running--;
        } else {
            next.run(); // the slot passes straight on
        }
    }

    /** Handshakes holding a slot. */
    public int running() {
        return running;
    }

    /** Connections waiting for a slot. */
    public int waiting() {
        return waiting.size();
    }
}
