package io.jselectors.protocol.chat;

import io.jselectors.protocol.chat.broker.BrokerException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded hand-off between the loops and the cluster thread: loops {@code offer} jobs (never
 * wait), the cluster thread takes them in order. Messages to publish that wait next to each other
 * are taken together and published as one batch ({@link ClusterPublisher#sendAll}), so a queue
 * that filled while a reply was awaited drains in one round trip, not one per line.
 */
final class ClusterJobs {

    /** Work for the cluster thread: a broker call and what follows from its outcome. */
    interface Job {
        void run() throws BrokerException;
    }

    /**
     * Most publishes taken from the queue in one go and sent as one batch: one round trip for many
     * lines, yet a nick claim queued behind them waits for at most this many, and one batch of
     * lines at the longest allowed length stays around a mebibyte.
     */
    static final int PUBLISH_BATCH = 256;

    /** A message to publish: taken from the queue with its neighbours and published in a batch. */
    private record Publish(ClusterPublisher.Outgoing outgoing) implements Job {
        @Override
        public void run() {
            throw new IllegalStateException("published in batches by the cluster thread, not run");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ClusterJobs.class);

    private final ArrayBlockingQueue<Job> queue;
    /** The jobs taken in one go, and the messages among them not yet published; cluster thread only. */
    private final List<Job> taken = new ArrayList<>(PUBLISH_BATCH);
    private final List<ClusterPublisher.Outgoing> batch = new ArrayList<>(PUBLISH_BATCH);

    ClusterJobs(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Queues {@code job} if there is room; any thread, never waits. */
    boolean offer(Job job) {
        return queue.offer(job);
    }

    /** Queues a message to publish if there is room; any thread, never waits. */
    boolean offerPublish(ClusterPublisher.Outgoing outgoing) {
        return queue.offer(new Publish(outgoing));
    }

    int size() {
        return queue.size();
    }

    /**
     * Cluster thread: waits up to {@code timeoutMillis} for a job, then runs it and those queued
     * behind it (up to {@value #PUBLISH_BATCH}) in queue order: each run of consecutive messages
     * goes to {@code publisher} as one batch, any other job to {@code runner}.
     */
    void runWaiting(long timeoutMillis, ClusterPublisher publisher, Consumer<Job> runner) throws InterruptedException {
        Job first = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return;
        }
        taken.add(first);
        queue.drainTo(taken, PUBLISH_BATCH - 1);
        try {
            for (Job job : taken) {
                if (job instanceof Publish p) {
                    batch.add(p.outgoing());
                } else {
                    publish(publisher);
                    carryOn(() -> runner.accept(job));
                }
            }
            publish(publisher);
        } finally {
            taken.clear();
            batch.clear();
        }
    }

    private void publish(ClusterPublisher publisher) {
        if (!batch.isEmpty()) {
            List<ClusterPublisher.Outgoing> lines = List.copyOf(batch);
            batch.clear();
            carryOn(() -> publisher.sendAll(lines));
        }
    }

    /**
     * Runs {@code step}; a bug that throws from it costs that step only, not the jobs taken with
     * it (they are out of the queue already, and would otherwise be lost without a word).
     */
    private static void carryOn(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.warn("chat cluster thread: unexpected error, carrying on", e);
        }
    }
}
