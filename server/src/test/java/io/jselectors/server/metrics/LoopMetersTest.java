package io.jselectors.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Each loop meter moves when the loop does what it counts. The loop passes its clock readings in,
 * so the times here are exact, whatever the machine's load.
 */
class LoopMetersTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger queue = new AtomicInteger();
    private final LoopMeters meters = LoopMeters.register(registry, "worker-1", queue::get);

    private double count(String name) {
        FunctionCounter c = registry.find(name).tag("loop", "worker-1").functionCounter();
        assertThat(c).as(name).isNotNull();
        return c.count();
    }

    @Test
    void selectsAndReadyEventsAreCounted() {
        meters.beforeSelect(0);
        meters.afterSelect(2, MS);
        meters.beforeSelect(2 * MS);
        meters.afterSelect(0, 3 * MS);
        assertThat(count("jselectors.loop.selects")).isEqualTo(2);
        assertThat(count("jselectors.loop.ready.events")).isEqualTo(2);
    }

    @Test
    void timeBeforeTheWakeUpIsBlockedAndDispatchIsWork() {
        long t0 = 1_000 * MS; // any origin: nanoTime values are only compared
        meters.beforeSelect(t0);
        // 40 ms "waiting in the kernel", then the first event; its handler works 60 ms inside select.
        meters.afterSelect(1, t0 + 40 * MS);
        meters.beforeSelect(t0 + 100 * MS);
        assertThat(count("jselectors.loop.blocked")).isEqualTo(0.040);
        assertThat(count("jselectors.loop.working")).isEqualTo(0.060);
    }

    @Test
    void aSelectWithNoEventIsBlockedUntilItReturns() {
        meters.beforeSelect(0);
        meters.afterSelect(0, 30 * MS);
        assertThat(count("jselectors.loop.blocked")).isEqualTo(0.030);
        meters.beforeSelect(50 * MS); // 20 ms of timers and tasks
        assertThat(count("jselectors.loop.working")).isEqualTo(0.020);
    }

    @Test
    void timeBeforeTheFirstSelectIsNotWork() {
        meters.beforeSelect(20 * MS); // the loop was registered at 0, its thread started later
        assertThat(count("jselectors.loop.working")).isZero();
    }

    @Test
    void aClockThatJumpsBackIsNotNegativeBlockedTime() {
        meters.beforeSelect(10 * MS);
        meters.afterSelect(1, 5 * MS);
        assertThat(count("jselectors.loop.blocked")).isZero();
    }

    @Test
    void tasksRunAndPendingAreReported() {
        meters.tasksRun(3);
        meters.tasksRun(0);
        queue.set(5);
        assertThat(count("jselectors.loop.tasks.run")).isEqualTo(3);
        assertThat(registry.get("jselectors.loop.tasks.pending").tag("loop", "worker-1").gauge().value()).isEqualTo(5);
    }

    @Test
    void closeRemovesTheLoopsMeters() {
        meters.close();
        assertThat(registry.find("jselectors.loop.selects").meters()).isEmpty();
        assertThat(registry.find("jselectors.loop.tasks.pending").meters()).isEmpty();
    }
}
