package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.EventLoop.Timer;
import io.jselectors.selector.Selector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.jselectors.posix.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's timers: cancelling one runs nothing and lets go of its task before the deadline; on
 * epoll they ride a timerfd (the wait is endless), which must be re-armed for a nearer deadline and
 * after each expiry.
 */
class IoLoopTimerTest {

    private IoLoop loop;

    @BeforeEach
    void start() throws Exception {
        loop = new IoLoop("timer-test", Selector.open(), new SimpleMeterRegistry());
        loop.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCancelledTimerNoLongerHoldsWhatItsTaskRefersTo() throws InterruptedException {
        // What a connection's timeout task would hold: the connection, its buffers, its engine.
        Object[] held = {new byte[1 << 20]};
        WeakReference<Object> ref = new WeakReference<>(held[0]);
        Timer timer = loop.schedule(holding(held[0]), 1, TimeUnit.HOURS);
        held[0] = null;
        assertThat(timer.cancel()).isTrue();
        for (int i = 0; i < 200 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(ref.get()).as("what the cancelled timer's task referred to, after GC").isNull();
    }

    @Test
    void aCancelledTimerDoesNotRunAndCancelsOnce() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        Timer timer = loop.schedule(runs::incrementAndGet, 50, TimeUnit.MILLISECONDS);
        assertThat(timer.cancel()).isTrue();
        assertThat(timer.cancel()).isFalse();
        CountDownLatch later = new CountDownLatch(1);
        loop.schedule(later::countDown, 100, TimeUnit.MILLISECONDS);
        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runs).hasValue(0);
    }

    @Test
    void aTimerRunsOnceAndCannotBeCancelledAfterwards() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Timer timer = loop.schedule(ran::countDown, 10, TimeUnit.MILLISECONDS);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(timer.cancel()).as("cancel after the task ran").isFalse();
    }

    @Test
    void noTimerRunsBeforeItsDeadline() throws InterruptedException {
        // The loop checks deadlines against its turn's wake-up time, not a fresh clock reading:
        // that reading is never later than the real time, so lateness is allowed, earliness not.
        int count = 40;
        long[] late = new long[count];
        CountDownLatch all = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            int k = i;
            long delay = TimeUnit.MILLISECONDS.toNanos(i % 8);
            long scheduledAt = System.nanoTime();
            loop.schedule(() -> {
                late[k] = System.nanoTime() - (scheduledAt + delay);
                all.countDown();
            }, delay, TimeUnit.NANOSECONDS);
        }
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < count; i++) {
            assertThat(late[i]).as("timer %d ran this many ns after its deadline", i).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void aTimerThatFallsDueWhileTheLoopWorksRunsWithoutAnotherEvent() throws InterruptedException {
        // Scheduled from the loop, which then stays busy past the deadline: the turn's wake-up time
        // predates the deadline, so this turn does not run it; the next wait must not block for it.
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(() -> {
            loop.schedule(ran::countDown, 2, TimeUnit.MILLISECONDS);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
        });
        assertThat(ran.await(10, TimeUnit.SECONDS)).as("the timer ran with no event after it").isTrue();
    }

    @Test
    void anEpollLoopCarriesItsTimersOnATimerFd() {
        Assumptions.assumeTrue(Platform.current() == Platform.LINUX, "timerfd is Linux's; other systems wait with a timeout");
        assertThat(loop.selector().name()).isEqualTo("epoll");
        assertThat(loop.usesTimerFd()).as("the loop's waits are endless, its timers on a timerfd").isTrue();
    }

    @Test
    void aTimerBeyondTheThresholdRunsAfterItsDeadlineThroughTheTimerFd() throws InterruptedException {
        long delay = IoLoop.TIMER_FD_MIN_NANOS * 3;
        long scheduledAt = System.nanoTime();
        long[] ranAt = new long[1];
        CountDownLatch ran = new CountDownLatch(1);
        loop.schedule(() -> {
            ranAt[0] = System.nanoTime();
            ran.countDown();
        }, delay, TimeUnit.NANOSECONDS);
        assertThat(ran.await(10, TimeUnit.SECONDS)).as("the timer ran with no event but its own").isTrue();
        assertThat(ranAt[0] - scheduledAt).as("ns from scheduling to running").isGreaterThanOrEqualTo(delay);
    }

    @Test
    void aNearerTimerReplacesTheArmedDeadline() throws InterruptedException {
        // The timerfd holds the far deadline and the loop waits endlessly; a nearer timer scheduled
        // from another thread must re-arm it, or it would run only with the far one, an hour later.
        CountDownLatch far = new CountDownLatch(1);
        loop.schedule(far::countDown, 1, TimeUnit.HOURS);
        Thread.sleep(50); // the loop has armed the hour and gone to sleep
        CountDownLatch near = new CountDownLatch(1);
        loop.schedule(near::countDown, IoLoop.TIMER_FD_MIN_NANOS * 2, TimeUnit.NANOSECONDS);
        assertThat(near.await(10, TimeUnit.SECONDS)).as("the nearer timer ran long before the far one").isTrue();
        assertThat(far.getCount()).isEqualTo(1);
    }

    @Test
    void eachExpiryArmsTheNextDeadline() throws InterruptedException {
        // A chain of timers beyond the threshold, each scheduled when the one before runs (the
        // idle sweep's shape): after every expiry the timerfd is disarmed and must be armed again.
        int links = 5;
        CountDownLatch chain = new CountDownLatch(links);
        Runnable[] link = new Runnable[1];
        link[0] = () -> {
            chain.countDown();
            if (chain.getCount() > 0) {
                loop.schedule(link[0], IoLoop.TIMER_FD_MIN_NANOS + 1, TimeUnit.NANOSECONDS);
            }
        };
        loop.schedule(link[0], IoLoop.TIMER_FD_MIN_NANOS + 1, TimeUnit.NANOSECONDS);
        assertThat(chain.await(10, TimeUnit.SECONDS)).as("every link of the chain ran").isTrue();
    }

    @Test
    void aCancelledArmedTimerLeavesTheNextOneOnTime() throws InterruptedException {
        // The armed deadline's timer is cancelled; the expiry then runs nothing, and the timer
        // behind it must still be armed for and run.
        Timer first = loop.schedule(() -> { }, IoLoop.TIMER_FD_MIN_NANOS * 2, TimeUnit.NANOSECONDS);
        CountDownLatch second = new CountDownLatch(1);
        loop.schedule(second::countDown, IoLoop.TIMER_FD_MIN_NANOS * 5, TimeUnit.NANOSECONDS);
        assertThat(first.cancel()).isTrue();
        assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void switchedOffTheLoopWaitsWithATimeoutAndItsTimersStillRun() throws Exception {
        System.setProperty(IoLoop.TIMER_FD_PROPERTY, "false");
        IoLoop plain;
        try {
            plain = new IoLoop("timer-test-plain", Selector.open(), new SimpleMeterRegistry());
        } finally {
            System.clearProperty(IoLoop.TIMER_FD_PROPERTY);
        }
        plain.start();
        try {
            assertThat(plain.usesTimerFd()).isFalse();
            CountDownLatch ran = new CountDownLatch(1);
            plain.schedule(ran::countDown, IoLoop.TIMER_FD_MIN_NANOS * 3, TimeUnit.NANOSECONDS);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            plain.stop();
            assertThat(plain.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static Runnable holding(Object o) {
        return () -> o.hashCode();
    }
}
