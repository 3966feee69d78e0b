package io.jselectors.connection.tls;

import io.jselectors.protocol.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One loop's handshake delegated tasks, handed to the task pool a loop turn's worth at a time: the
 * tasks the loop's connections ask for while it handles one batch of events go to the pool as one
 * job per pool thread (not one job each), and each job hands its connections back to the loop with
 * one task (not one each). A handshake costs the loop and the pool a thread wakeup and two
 * context switches each way; this shares them among the handshakes of a turn, which under a
 * handshake load is several. The tasks still run off the loop, and the loop waits for them in its
 * selector, never polling.
 *
 * <p>A turn's tasks are split into as many jobs as the pool has threads ({@code parallelism}), so
 * a many-core machine still runs them in parallel; on one core they go as one job. A handshake's
 * resumption may wait for the other tasks of its job: at most {@link HandshakeGate}'s bound of
 * them, a few milliseconds.
 *
 * <p>{@link #submit} is for the loop thread; {@link #execute} (any thread) runs one task on the pool
 * at once, as a plain executor would. Install one per loop as {@link TlsSettings#taskExecutor()}.
 */
public final class HandshakeTasks implements Executor {

    private final EventLoop loop;
    private final Executor pool;
    private final int parallelism;
    private List<Job> pending = new ArrayList<>();

    /** A task to run off the loop, and what to run on the loop after it. */
    private record Job(Runnable offLoop, Runnable onLoop) {}

    /**
     * Tasks of {@code loop}'s connections, run on {@code pool}, which has {@code parallelism}
     * threads (at least 1).
     */
    public HandshakeTasks(EventLoop loop, Executor pool, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        this.loop = loop;
        this.pool = pool;
        this.parallelism = parallelism;
    }

    /**
     * Runs {@code offLoop} on {@code tasks} and then {@code onLoop} on {@code loop}: batched with the
     * turn's other tasks when {@code tasks} is a {@link HandshakeTasks} of {@code loop}, else as a
     * job of its own. If the pool refuses (it is shutting down), both run here, on the loop, rather
     * than leave the handshake waiting. Loop thread only.
     */
    static void run(Executor tasks, EventLoop loop, Runnable offLoop, Runnable onLoop) {
        if (tasks instanceof HandshakeTasks batch && batch.loop == loop) {
            batch.submit(offLoop, onLoop);
            return;
        }
        try {
            tasks.execute(() -> {
                offLoop.run();
                resumeOn(loop, onLoop);
            });
        } catch (RejectedExecutionException e) {
            offLoop.run();
            onLoop.run();
        }
    }

    /**
     * Queues {@code offLoop} for the pool with the rest of this loop turn's tasks; {@code onLoop}
     * runs on the loop once its job is done. Loop thread only.
     */
    void submit(Runnable offLoop, Runnable onLoop) {
        pending.add(new Job(offLoop, onLoop));
        if (pending.size() == 1) {
            loop.execute(this::dispatch); // after the turn's events: the turn's tasks go together
        }
    }

    /** Runs one task on the pool (a plain executor's contract; nothing is batched). */
    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Tasks waiting for the end of the turn; for tests. */
    int pending() {
        return pending.size();
    }

    private void dispatch() {
        List<Job> jobs = pending;
        pending = new ArrayList<>();
        int chunks = Math.min(parallelism, jobs.size());
        int size = (jobs.size() + chunks - 1) / chunks;
        for (int from = 0; from < jobs.size(); from += size) {
            List<Job> part = jobs.subList(from, Math.min(jobs.size(), from + size));
            try {
                pool.execute(() -> runOffLoop(part));
            } catch (RejectedExecutionException e) {
                runOffLoop(part); // the pool is shutting down: finish on the loop rather than hang
            }
        }
    }

    /**
     * On the pool: every task of {@code part}, then one loop task that resumes them all. A task
     * that throws does not keep the others from running and resuming; the first such exception is
     * rethrown on the loop after they have (the loop logs it), and its connection resumes as well:
     * the engine reports a failed task at its next wrap or unwrap.
     */
    private void runOffLoop(List<Job> part) {
        RuntimeException thrown = runEach(part, true, null);
        resumeOn(loop, () -> {
            RuntimeException failure = runEach(part, false, thrown);
            if (failure != null) {
                throw failure;
            }
        });
    }

    /**
     * Hands {@code onLoop} to {@code loop}, from a pool thread. A loop
     * that has stopped (the server is shutting down while a task ran) refuses: its connections
     * ended with it, so there is nothing to resume, and the resumption (layer code, loop thread
     * only) must not run here instead. Dropped quietly rather than thrown, which would end the
     * pool thread with a stack trace on every shutdown that meets a handshake.
     */
    private static void resumeOn(EventLoop loop, Runnable onLoop) {
        try {
            loop.execute(onLoop);
        } catch (RejectedExecutionException stopped) {
            // Nothing to resume: see above.
        }
    }

    /** Runs each job's off-loop or on-loop part; returns {@code thrown}, or else the first exception. */
    private static RuntimeException runEach(List<Job> part, boolean offLoop, RuntimeException thrown) {
        RuntimeException first = thrown;
        for (Job job : part) {
            try {
                (offLoop ? job.offLoop() : job.onLoop()).run();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        return first;
    }
}
