package io.jselectors.protocol.testkit;

import io.jselectors.protocol.EventLoop;
import java.time.Duration;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A deterministic {@link EventLoop} for tests: it runs on the thread that created it, and nothing
 * happens by itself. Time stands still until {@link #advance(Duration)} moves the clock, and
 * {@link #execute} only queues: queued tasks run when the test (or the {@link ProtocolTester}
 * driving it) calls {@link #runPending()}.
 *
 * <p>Queueing even on the loop's own thread is deliberate: the server runs an executed task
 * "after the current batch of events", never inside the caller, so a handler that relies on
 * {@code execute} being synchronous would work here and break there.
 *
 * {@snippet :
 * TestLoop loop = new TestLoop();
 * List<String> ran = new ArrayList<>();
 * loop.schedule(() -> ran.add("b"), 2, TimeUnit.SECONDS);
 * loop.schedule(() -> ran.add("a"), 1, TimeUnit.SECONDS);
 * loop.advance(Duration.ofSeconds(2));   // runs "a" at t=1s, then "b" at t=2s
 * }
 *
 * <p>{@link #execute} and {@link #schedule} may be called from any thread; everything else
 * belongs to the owning thread.
 */
public final class TestLoop implements EventLoop {

    /**
     * How many tasks or timers one {@link #runPending()} or {@link #advance} may run before it
     * gives up: a task that keeps re-submitting itself would otherwise hang the test forever.
     */
    public static final int MAX_TASKS_PER_RUN = 1_000_000;

    private final String name;
    private final Thread owner = Thread.currentThread();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<ScheduledTask> timers = new PriorityQueue<>();
    private volatile long now;
    private long sequence;
    private volatile boolean stopped;
    private Consumer<Runnable> runner = Runnable::run;
    private Predicate<TestLoop> active = loop -> true;

    /** A loop named {@code test-loop}, owned by the calling thread, its clock at zero. */
    public TestLoop() {
        this("test-loop");
    }

    /** A loop with the given name, owned by the calling thread, its clock at zero. */
    public TestLoop(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (stopped) {
            throw new RejectedExecutionException(name + " has stopped");
        }
        tasks.add(task);
    }

    /**
     * Whether the caller runs "on" this loop: on the owning thread and, when a {@link
     * ProtocolTester} has several loops, while it runs this loop's callbacks and tasks or runs test
     * code (the test may act as any loop). A handler on one loop therefore sees another loop's
     * {@code inLoop()} false, as on the server.
     */
    @Override
    public boolean inLoop() {
        return Thread.currentThread() == owner && active.test(this);
    }

    @Override
    public Timer schedule(Runnable task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        if (stopped) {
            throw new RejectedExecutionException(name + " has stopped");
        }
        long delayNanos = Math.max(0, unit.toNanos(delay));
        synchronized (timers) {
            ScheduledTask timer = new ScheduledTask(task, saturatedAdd(now, delayNanos), sequence++);
            timers.add(timer);
            return timer;
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Runs the queued tasks, including those they queue, in submission order.
     *
     * @return how many ran
     * @throws IllegalStateException if more than {@link #MAX_TASKS_PER_RUN} ran (a task loop)
     */
    public int runPending() {
        requireOwner();
        int ran = 0;
        for (Runnable task; (task = tasks.poll()) != null; ) {
            if (++ran > MAX_TASKS_PER_RUN) {
                throw new IllegalStateException("more than " + MAX_TASKS_PER_RUN + " tasks in one run: does a task re-submit itself?");
            }
            runner.accept(task);
        }
        return ran;
    }

    /**
     * Moves the clock forward by {@code duration}, running every timer that falls due, in deadline
     * order (timers due at the same instant in the order they were scheduled). While a timer runs,
     * {@link #nanoTime()} reads its deadline; the tasks it queues run before the next timer. Timers
     * scheduled by a timer run in the same call if they fall due within it.
     *
     * @return how many timers ran
     */
    public int advance(Duration duration) {
        requireOwner();
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time does not go backwards: " + duration);
        }
        return advanceTo(saturatedAdd(now, saturatedNanos(duration)));
    }

    /** {@link #advance} to an absolute time of {@link #nanoTime()}; a time in the past changes nothing. */
    int advanceTo(long target) {
        runPending();
        int ran = 0;
        for (ScheduledTask due; (due = pollDue(target)) != null; ) {
            if (++ran > MAX_TASKS_PER_RUN) {
                throw new IllegalStateException("more than " + MAX_TASKS_PER_RUN + " timers in one advance: does a timer re-schedule itself with no delay?");
            }
            now = Math.max(now, due.deadline);
            runner.accept(due.task);
            runPending();
        }
        now = Math.max(now, target);
        return ran;
    }

    /** The deadline of the next timer, or {@link Long#MAX_VALUE} if none is pending. */
    long nextDeadline() {
        synchronized (timers) {
            ScheduledTask next = timers.peek();
            return next == null ? Long.MAX_VALUE : next.deadline;
        }
    }

    /** Tasks queued by {@link #execute} and not run yet. */
    public int pendingTasks() {
        return tasks.size();
    }

    /** Timers scheduled, not yet run and not cancelled. */
    public int pendingTimers() {
        synchronized (timers) {
            return timers.size();
        }
    }

    /** Stops the loop: queued tasks and timers are dropped, and new ones are rejected. */
    public void stop() {
        stopped = true;
        tasks.clear();
        synchronized (timers) {
            timers.clear();
        }
    }

    /** Whether {@link #stop()} was called. */
    public boolean isStopped() {
        return stopped;
    }

    /** Lets the {@link ProtocolTester} wrap every task and timer, to settle its connections after each. */
    void taskRunner(Consumer<Runnable> taskRunner) {
        this.runner = Objects.requireNonNull(taskRunner);
    }

    /** Lets a {@link ProtocolTester} with several loops say which one is running now. */
    void activeWhen(Predicate<TestLoop> isActive) {
        this.active = Objects.requireNonNull(isActive);
    }

    void requireOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(name + " belongs to thread " + owner.getName() + ", not " + Thread.currentThread().getName());
        }
    }

    private ScheduledTask pollDue(long target) {
        synchronized (timers) {
            ScheduledTask next = timers.peek();
            if (next == null || next.deadline > target) {
                return null;
            }
            timers.poll();
            next.pending = false;
            return next;
        }
    }

    static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }

    private final class ScheduledTask implements Timer, Comparable<ScheduledTask> {
        final Runnable task;
        final long deadline;
        final long order;
        boolean pending = true;

        ScheduledTask(Runnable task, long deadline, long order) {
            this.task = task;
            this.deadline = deadline;
            this.order = order;
        }

        @Override
        public boolean cancel() {
            synchronized (timers) {
                if (!pending) {
                    return false;
                }
                pending = false;
                timers.remove(this);
                return true;
            }
        }

        @Override
        public int compareTo(ScheduledTask other) {
            int byDeadline = Long.compare(deadline, other.deadline);
            return byDeadline != 0 ? byDeadline : Long.compare(order, other.order);
        }
    }
}
