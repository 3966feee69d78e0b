package io.jselectors.protocol.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TestLoopTest {

    private final TestLoop loop = new TestLoop();
    private final List<String> ran = new ArrayList<>();

    @Test
    void timersRunInDeadlineOrderWithTheClockAtTheirDeadline() {
        loop.schedule(() -> ran.add("c@" + loop.nanoTime()), 3, TimeUnit.SECONDS);
        loop.schedule(() -> ran.add("a@" + loop.nanoTime()), 1, TimeUnit.SECONDS);
        loop.schedule(() -> ran.add("b@" + loop.nanoTime()), 2, TimeUnit.SECONDS);

        assertThat(loop.advance(Duration.ofMillis(2500))).isEqualTo(2);

        assertThat(ran).containsExactly("a@1000000000", "b@2000000000");
        assertThat(loop.nanoTime()).isEqualTo(2_500_000_000L);
        assertThat(loop.pendingTimers()).isEqualTo(1);
    }

    @Test
    void timersDueAtTheSameInstantRunInSchedulingOrder() {
        for (String name : List.of("first", "second", "third")) {
            loop.schedule(() -> ran.add(name), 10, TimeUnit.MILLISECONDS);
        }
        loop.advance(Duration.ofMillis(10));
        assertThat(ran).containsExactly("first", "second", "third");
    }

    @Test
    void nothingRunsUntilTheClockReachesTheDeadline() {
        loop.schedule(() -> ran.add("x"), 100, TimeUnit.MILLISECONDS);
        loop.advance(Duration.ofMillis(99));
        assertThat(ran).isEmpty();
        loop.advance(Duration.ofMillis(1));
        assertThat(ran).containsExactly("x");
    }

    @Test
    void cancelledTimerDoesNotRunAndCancelSaysWhetherItWasPending() {
        EventLoop.Timer timer = loop.schedule(() -> ran.add("x"), 1, TimeUnit.SECONDS);
        assertThat(timer.cancel()).isTrue();
        assertThat(timer.cancel()).isFalse();
        loop.advance(Duration.ofSeconds(2));
        assertThat(ran).isEmpty();

        EventLoop.Timer fired = loop.schedule(() -> ran.add("y"), 1, TimeUnit.SECONDS);
        loop.advance(Duration.ofSeconds(1));
        assertThat(fired.cancel()).isFalse();
        assertThat(ran).containsExactly("y");
    }

    @Test
    void executeQueuesEvenOnTheLoopThreadAndRunPendingRunsInOrder() {
        loop.execute(() -> {
            ran.add("a");
            loop.execute(() -> ran.add("c"));
        });
        loop.execute(() -> ran.add("b"));
        assertThat(ran).isEmpty();
        assertThat(loop.pendingTasks()).isEqualTo(2);

        assertThat(loop.runPending()).isEqualTo(3);
        assertThat(ran).containsExactly("a", "b", "c");
    }

    @Test
    void tasksQueuedByATimerRunBeforeTheNextTimer() {
        loop.schedule(() -> loop.execute(() -> ran.add("task")), 1, TimeUnit.SECONDS);
        loop.schedule(() -> ran.add("timer"), 2, TimeUnit.SECONDS);
        loop.advance(Duration.ofSeconds(2));
        assertThat(ran).containsExactly("task", "timer");
    }

    @Test
    void timerScheduledByATimerRunsInTheSameAdvanceIfDue() {
        loop.schedule(() -> loop.schedule(() -> ran.add("inner@" + loop.nanoTime()), 1, TimeUnit.SECONDS), 1, TimeUnit.SECONDS);
        loop.advance(Duration.ofSeconds(3));
        assertThat(ran).containsExactly("inner@2000000000");
    }

    @Test
    void inLoopOnlyOnTheOwningThreadAndOtherThreadsMayExecute() throws Exception {
        AtomicBoolean inLoopElsewhere = new AtomicBoolean(true);
        Thread other = Thread.ofPlatform().start(() -> {
            inLoopElsewhere.set(loop.inLoop());
            loop.execute(() -> ran.add("from other thread"));
        });
        other.join(10_000);

        assertThat(loop.inLoop()).isTrue();
        assertThat(inLoopElsewhere).isFalse();
        loop.runPending();
        assertThat(ran).containsExactly("from other thread");
    }

    @Test
    void runPendingRefusesOtherThreads() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                loop.runPending();
            } catch (IllegalStateException expected) {
                failures.add(expected);
            }
        });
        other.join(10_000);
        assertThat(failures).hasSize(1);
    }

    @Test
    void stoppedLoopRejectsWork() {
        loop.execute(() -> ran.add("dropped"));
        loop.stop();
        assertThatThrownBy(() -> loop.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> loop.schedule(() -> {}, 1, TimeUnit.SECONDS)).isInstanceOf(RejectedExecutionException.class);
        assertThat(loop.runPending()).isZero();
        assertThat(ran).isEmpty();
    }

    @Test
    void selfResubmittingTaskIsStoppedInsteadOfHangingTheTest() {
        Runnable[] again = new Runnable[1];
        again[0] = () -> loop.execute(again[0]);
        loop.execute(again[0]);
        assertThatThrownBy(loop::runPending).isInstanceOf(IllegalStateException.class).hasMessageContaining("re-submit");
    }

    @Test
    void negativeDelayRunsAtTheNextAdvanceAndTimeDoesNotGoBackwards() {
        loop.schedule(() -> ran.add("now"), -5, TimeUnit.SECONDS);
        loop.advance(Duration.ZERO);
        assertThat(ran).containsExactly("now");
        assertThatThrownBy(() -> loop.advance(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
