package io.jselectors.protocol;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One thread with one selector, running the handlers of the connections it owns. {@link
 * #execute} is the only way for other threads to touch those connections.
 */
public interface EventLoop extends Executor {

    /**
     * Runs {@code task} on this loop, after the current batch of events; callable from any thread.
     * Tasks submitted from one thread run in the order submitted.
     *
     * @throws java.util.concurrent.RejectedExecutionException once the loop has stopped
     */
    @Override
    void execute(Runnable task);

    /** Whether the calling thread is this loop's thread. */
    boolean inLoop();

    /**
     * Runs {@code task} on this loop after {@code delay}; callable from any thread.
     *
     * @return a handle that cancels the task if it has not run yet
     */
    Timer schedule(Runnable task, long delay, TimeUnit unit);

    /** This loop's clock in nanoseconds (monotonic; the testkit's is moved by hand). */
    long nanoTime();

    /**
     * {@link #nanoTime()} as the loop last read it: when it woke up for the events it is handling
     * now. At most one loop turn old, never ahead of {@link #nanoTime()}, and a field load instead
     * of a clock read, so use it on paths taken per read or per request for timestamps that need no
     * better than a turn (when bytes arrived, a once-a-second refresh); measure a duration's end
     * with {@link #nanoTime()}. On a virtual machine a clock read can cost more than the rest of a
     * small request. By default the same as {@link #nanoTime()}.
     */
    default long turnNanos() {
        return nanoTime();
    }

    /** The loop's name, e.g. {@code worker-1}. */
    String name();

    /**
     * A scheduled task that can be cancelled. Once cancelled (or run) the loop no longer holds the
     * task: a task that refers to a connection does not keep a closed one reachable until its
     * deadline, so callers need no indirection of their own to drop it.
     */
    interface Timer {
        /** Cancels the task if it has not run yet, and lets go of it; returns whether it was still pending. */
        boolean cancel();
    }
}
