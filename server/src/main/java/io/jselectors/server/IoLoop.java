package io.jselectors.server;

import io.jselectors.posix.ErrnoException;
import io.jselectors.protocol.EventLoop;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.Selector;
import io.jselectors.server.metrics.LoopMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread, one {@link Selector}, a task queue and timers: the unit everything in the server
 * runs on. Registered keys carry an {@link IoHandler} as their data; a ready key is handed to it on
 * this thread. Other threads reach the loop only through {@link #execute} and {@link #schedule},
 * which wake the selector.
 *
 * <p>A turn: select (blocking until the next timer, or not at all when tasks wait), dispatch the
 * ready keys, run due timers, run queued tasks. On epoll the next timer's deadline is carried by a
 * {@link LoopTimerFd} registered in the selector, armed once per distinct deadline, and the wait
 * itself is endless: a wait with a timeout arms and cancels a kernel timer every time it sleeps
 * (bench/PROFILE.md, tenth pass). A deadline nearer than {@link #TIMER_FD_MIN_NANOS} is still the
 * wait's timeout, and {@code -Djselectors.loopTimerFd=false} (read when a loop is made) always
 * passes the timeout, as other backends do.
 */
final class IoLoop implements EventLoop {

    private static final Logger log = LoggerFactory.getLogger(IoLoop.class);

    /** The system property that turns the loops' timerfd off ({@code false}); on otherwise. */
    static final String TIMER_FD_PROPERTY = "jselectors.loopTimerFd";

    /**
     * Deadlines nearer than this stay the wait's own timeout: such a timer is due within a few
     * turns, and re-arming the timerfd for each of a run of near deadlines would cost a system call
     * per deadline even in turns that never sleep, where the wait's timer costs only when it sleeps.
     */
    static final long TIMER_FD_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** What a registered key's data is: told on the loop thread that its fd is ready. */
    interface IoHandler {
        void onReady(int events);
    }

    private final String name;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<ScheduledTask> timers = new PriorityQueue<>();
    private final ReadyConsumer dispatcher;
    private final LoopMeters meters;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean stopping;
    private long timerSequence;
    /** The clock read once per wake-up, for timestamps that need no better than a loop turn. */
    private long turnNanos = System.nanoTime();
    /** When the first ready key of the current select was dispatched; 0 until one is. */
    private long firstEventAt;
    /** Whether the thread asks for {@code SCHED_BATCH} as it starts ({@link LoopScheduling}). */
    private boolean batchScheduling;
    /** The next timer's deadline for an endless wait; null where there is none (not epoll, or off). */
    private final LoopTimerFd timerFd;
    /** Whether {@link #timerFd} is armed for {@link #armedDeadline} and has not expired yet. */
    private boolean timerFdArmed;
    /** The timer deadline (loop nanos) the timerfd was last armed for, while {@link #timerFdArmed}. */
    private long armedDeadline;

    IoLoop(String name, Selector selector, MeterRegistry registry) {
        this.name = name;
        this.selector = selector;
        this.meters = LoopMeters.register(registry, name, tasks::size);
        this.dispatcher = (key, events) -> {
            if (firstEventAt == 0) {
                // The wake-up: selectNanos dispatches inside the call, so this is when blocking ended.
                firstEventAt = System.nanoTime();
                turnNanos = firstEventAt;
            }
            ((IoHandler) key.data()).onReady(events);
        };
        this.timerFd = openTimerFd(name, selector);
        // A FastThreadLocalThread: netty-buffer 4.2 gives per-thread pool caches and recycles
        // buffer objects only on such threads; on a plain thread every read allocates a new one.
        this.thread = new FastThreadLocalThread(this::run, name);
    }

    void start() {
        thread.start();
    }

    /**
     * A timerfd watched by {@code selector}, when the selector is epoll's and the switch is on;
     * otherwise (or if the kernel refuses) null, and the loop passes its timeout to the wait.
     */
    private LoopTimerFd openTimerFd(String name, Selector selector) {
        if ("false".equalsIgnoreCase(System.getProperty(TIMER_FD_PROPERTY)) || !"epoll".equals(selector.name())) {
            return null;
        }
        LoopTimerFd fd = LoopTimerFd.open().orElse(null);
        if (fd == null) {
            return null;
        }
        try {
            selector.register(fd.fd(), Selector.EVENT_READ, (IoHandler) events -> timerFdExpired());
            return fd;
        } catch (IOException | RuntimeException e) {
            log.debug("{}: no timerfd for the loop's timers ({}); the wait takes the timeout", name, e.toString());
            fd.close();
            return null;
        }
    }

    /** The timerfd expired: it is disarmed now, so the next turn arms it again if a timer waits. */
    private void timerFdExpired() {
        timerFd.drain();
        timerFdArmed = false;
    }

    /** Releases the selector and the timerfd of a loop that was never started (a failed start). */
    void closeUnstarted() throws IOException {
        try {
            selector.close();
        } finally {
            if (timerFd != null) {
                timerFd.close();
            }
        }
    }

    /** Whether this loop's waits carry no timeout, its timers being on a timerfd (tests). */
    boolean usesTimerFd() {
        return timerFd != null;
    }

    /** Runs the loop's thread under {@code SCHED_BATCH} ({@link LoopScheduling}); before {@link #start}. */
    void batchScheduling() {
        batchScheduling = true;
    }

    /** The loop's selector; use only on the loop thread. */
    Selector selector() {
        return selector;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        if (stopping && terminated.getCount() == 0) {
            throw new RejectedExecutionException(name + " has stopped");
        }
        tasks.add(task);
        if (!inLoop()) {
            selector.wakeup(); // the selector coalesces wakeups itself: one syscall per select at most
        }
    }

    @Override
    public Timer schedule(Runnable task, long delay, TimeUnit unit) {
        ScheduledTask scheduled = new ScheduledTask(task, System.nanoTime() + unit.toNanos(Math.max(0, delay)));
        if (inLoop()) {
            addTimer(scheduled);
        } else {
            execute(() -> addTimer(scheduled));
        }
        return scheduled;
    }

    private void addTimer(ScheduledTask t) {
        t.sequence = timerSequence++;
        timers.add(t);
    }

    /**
     * The time this loop last woke from select (its first dispatched event, or the return from
     * select when none): the loop's clock, read once per turn and shared with the loop meters, so
     * there is no clock read per event; for activity timestamps, idle timeouts and the protocols'
     * per-request timestamps. Loop thread only.
     */
    @Override
    public long turnNanos() {
        return turnNanos;
    }

    /** Asks the loop to finish its current turn and exit; callable from any thread. */
    void stop() {
        stopping = true;
        selector.wakeup();
    }

    /** Waits for the loop thread to end. */
    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    private void run() {
        try {
            if (batchScheduling) {
                int errno = LoopScheduling.batchCurrentThread();
                if (errno != 0) {
                    log.debug("{}: SCHED_BATCH refused (errno {}); default scheduling", name, errno);
                }
            }
            while (!stopping) {
                turn();
            }
            runTasks();
        } catch (Throwable t) {
            log.error("{}: loop died", name, t);
        } finally {
            try {
                selector.close();
            } catch (IOException e) {
                log.warn("{}: closing selector", name, e);
            }
            if (timerFd != null) {
                timerFd.close(); // after the selector: its fd is no longer watched
            }
            meters.close();
            terminated.countDown();
            // A task queued between the last drain and countDown (execute refuses only after it)
            // would be lost with whatever buffer it holds: run it now; the selector is closed, so
            // it can only release and close.
            runTasks();
        }
    }

    /**
     * One turn: select and dispatch, then timers and tasks. A method of its own, not the body of
     * {@link #run()}'s loop: the JIT compiles a method once it has been called often, but a loop
     * that never returns only by on-stack replacement after tens of thousands of back-edges, and
     * until then {@code run()} was interpreted and its callees compiled with profiling only
     * (bench/PROFILE.md, fourth pass).
     */
    private void turn() {
        // One clock reading before the wait serves the timeout and the meters, and the wake-up's
        // serves the timers: two per turn, where each is a vDSO call of ~27 ns on this project's
        // VM (bench/PROFILE.md, fifth pass) and a turn with few events pays them per operation.
        long now = System.nanoTime();
        long timeout = tasks.isEmpty() ? waitNanos(now) : 0;
        firstEventAt = 0;
        meters.beforeSelect(now);
        int ready = 0;
        try {
            ready = selector.selectNanos(timeout, dispatcher);
        } catch (IOException e) {
            // A select failure is not a client's doing; report it and keep the loop alive.
            log.error("{}: select failed", name, e);
            sleepQuietly();
        }
        turnNanos = firstEventAt != 0 ? firstEventAt : System.nanoTime();
        meters.afterSelect(ready, turnNanos);
        meters.tasksRun(runTimers(turnNanos) + runTasks());
    }

    /**
     * The wait's timeout at {@code now} with no task queued: endless without timers; 0 once the
     * next one is due; otherwise the time to it, unless the timerfd carries that deadline (armed
     * here when it does not hold it yet), which makes the wait endless.
     */
    private long waitNanos(long now) {
        ScheduledTask next = timers.peek();
        if (next == null) {
            return Selector.INFINITE;
        }
        long left = next.deadline - now;
        if (left <= 0) {
            return 0;
        }
        if (timerFd == null || left < TIMER_FD_MIN_NANOS) {
            return left;
        }
        if (!timerFdArmed || armedDeadline != next.deadline) {
            try {
                timerFd.arm(left);
            } catch (ErrnoException e) {
                log.warn("{}: arming the timerfd failed; this turn waits with a timeout", name, e);
                return left;
            }
            timerFdArmed = true;
            armedDeadline = next.deadline;
        }
        return Selector.INFINITE;
    }

    /**
     * Runs the timers due at {@code now}; returns how many ran. {@code now} is the turn's wake-up
     * time, never later than the real time, so a timer never runs before its deadline; one that
     * falls due while the turn's events are handled runs in the next turn, whose wait the
     * pre-select clock reading makes a poll.
     */
    private int runTimers(long now) {
        if (timers.isEmpty()) {
            return 0;
        }
        List<ScheduledTask> due = null;
        while (!timers.isEmpty() && timers.peek().deadline - now <= 0) {
            if (due == null) {
                due = new ArrayList<>();
            }
            due.add(timers.poll());
        }
        int ran = 0;
        if (due != null) {
            for (ScheduledTask t : due) {
                Runnable task = t.take();
                if (task != null) {
                    safeRun(task);
                    ran++;
                }
            }
        }
        return ran;
    }

    /** Runs the tasks queued now (not those they queue, so tasks cannot starve I/O); returns how many. */
    private int runTasks() {
        int n = tasks.size();
        int ran = 0;
        for (; ran < n; ran++) {
            Runnable task = tasks.poll();
            if (task == null) {
                break;
            }
            safeRun(task);
        }
        return ran;
    }

    private void safeRun(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("{}: task failed", name, t);
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * A timer entry; ordered by deadline, then by scheduling order. Cancelling or running it lets go
     * of its task: a cancelled entry stays in the queue until its deadline, and its task must not
     * keep what it refers to (a closed connection, with its buffers and engine) reachable that long.
     */
    private static final class ScheduledTask implements Timer, Comparable<ScheduledTask> {
        private static final VarHandle TASK;

        static {
            try {
                TASK = MethodHandles.lookup().findVarHandle(ScheduledTask.class, "task", Runnable.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long deadline;
        long sequence;
        @SuppressWarnings("unused") // through TASK: cancel() may come from any thread
        private volatile Runnable task;

        ScheduledTask(Runnable task, long deadline) {
            this.task = task;
            this.deadline = deadline;
        }

        /** The task, once: null if it was cancelled or already taken. */
        Runnable take() {
            return (Runnable) TASK.getAndSet(this, null);
        }

        @Override
        public boolean cancel() {
            return take() != null;
        }

        @Override
        public int compareTo(ScheduledTask o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
