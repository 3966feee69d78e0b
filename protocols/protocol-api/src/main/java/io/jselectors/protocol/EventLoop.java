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

    /** The loop's name, e.g. {@code worker-1}. */
    String name();

    /** A scheduled task that can be cancelled. */
    interface Timer {
        /** Cancels the task if it has not run yet; returns whether it was still pending. */
        boolean cancel();
    }
}
