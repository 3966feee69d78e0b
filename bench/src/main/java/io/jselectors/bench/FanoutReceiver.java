package io.jselectors.bench;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One receiving thread of {@link WsChatFanout}: a JDK NIO selector over its share of the members,
 * counting deliveries and their latencies in its own histogram (no shared counter, no lock, no
 * allocation per message; the clock is read once per readable socket, not per line). The set-up
 * thread hands members over with {@link #add}; the counts are read after {@link #stop()} joined the
 * thread, except the progress figures, which are published as volatile fields.
 */
final class FanoutReceiver implements Runnable {

    /** How long a select waits before looking at the stop flag. */
    private static final long SELECT_MILLIS = 100;

    private final Selector selector;
    private final Queue<WsFanoutMember> added = new ConcurrentLinkedQueue<>();
    private final long[] histogram = new long[WsChatFanout.BUCKETS];
    /** Deliveries per line sequence number, to find lines some member missed. */
    private final int[] perLine;
    private final Thread thread;
    private long deliveredCount;
    private volatile long deliveredPublished;
    private volatile long lastHeardNanos = System.nanoTime();
    /** When a timestamped line last arrived (pings and notices do not count); 0 before the first. */
    private volatile long lastDeliveryNanos;
    private volatile boolean stopping;
    private volatile String error;
    private volatile long cpuNanos;

    /** @param lines how many timed lines the sender may send (sequence numbers 0 .. lines - 1) */
    FanoutReceiver(int index, int lines) throws IOException {
        perLine = new int[lines];
        selector = Selector.open();
        thread = Thread.ofPlatform().name("fanout-receiver-" + index).daemon().unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Hands {@code member} (upgraded, non-blocking) to this thread; any thread. */
    void add(WsFanoutMember member) {
        added.add(member);
        selector.wakeup();
    }

    /** Called by {@link WsFanoutMember#readAll} on this thread for each timestamped line. */
    void delivered(int sequence, long latencyNanos) {
        if (sequence >= perLine.length) {
            throw new IllegalStateException("line " + sequence + " was never sent");
        }
        perLine[sequence]++;
        deliveredCount++;
        histogram[(int) Math.min(WsChatFanout.BUCKETS - 1, Math.max(0, latencyNanos) / WsChatFanout.BUCKET_NANOS)]++;
    }

    @Override
    public void run() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        try {
            while (!stopping) {
                WsFanoutMember m;
                while ((m = added.poll()) != null) {
                    m.channel.register(selector, SelectionKey.OP_READ, m);
                }
                if (selector.select(SELECT_MILLIS) == 0) {
                    continue;
                }
                long now = System.nanoTime();
                boolean heard = false;
                long before = deliveredCount;
                for (SelectionKey key : selector.selectedKeys()) {
                    WsFanoutMember member = (WsFanoutMember) key.attachment();
                    if (!member.readAll(now, this)) {
                        throw new IOException("the server closed a member's connection");
                    }
                    heard = true;
                }
                selector.selectedKeys().clear();
                if (heard) {
                    lastHeardNanos = now;
                    if (deliveredCount != before) {
                        lastDeliveryNanos = now;
                    }
                    deliveredPublished = deliveredCount;
                    cpuNanos = mx.getCurrentThreadCpuTime() - cpu0;
                }
            }
        } catch (IOException | RuntimeException e) {
            error = thread.getName() + ": " + e;
        } finally {
            deliveredPublished = deliveredCount;
            cpuNanos = mx.getCurrentThreadCpuTime() - cpu0;
        }
    }

    /** Stops the thread and waits for it; then the counts below are final. */
    void stop() throws InterruptedException {
        stopping = true;
        selector.wakeup();
        thread.join();
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing at the end of the run
        }
    }

    /** Timestamped lines counted so far (published once per select round). */
    long delivered() {
        return deliveredPublished;
    }

    /** When this thread last read anything. */
    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** When this thread last got a timestamped line, or 0 if none came. */
    long lastDeliveryNanos() {
        return lastDeliveryNanos;
    }

    /** The first failure of this thread, or null. */
    String error() {
        return error;
    }

    /** Adds this thread's histogram into {@code into}; after {@link #stop()}. */
    void addHistogramTo(long[] into) {
        for (int i = 0; i < histogram.length; i++) {
            into[i] += histogram[i];
        }
    }

    /** Adds this thread's deliveries per line into {@code into}; after {@link #stop()}. */
    void addPerLineTo(int[] into) {
        for (int i = 0; i < perLine.length; i++) {
            into[i] += perLine[i];
        }
    }

    /** CPU time this thread used so far (published once per select round that read something). */
    long cpuNanos() {
        return cpuNanos;
    }
}
