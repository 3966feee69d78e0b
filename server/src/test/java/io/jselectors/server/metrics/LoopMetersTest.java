package io.jselectors.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.selector.ReadyConsumer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each loop meter moves when the loop does what it counts. */
class LoopMetersTest {

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
        ReadyConsumer dispatcher = meters.timed((key, events) -> {});
        meters.beforeSelect();
        dispatcher.accept(null, 1);
        dispatcher.accept(null, 2);
        meters.afterSelect(2);
        meters.beforeSelect();
        meters.afterSelect(0);
        assertThat(count("jselectors.loop.selects")).isEqualTo(2);
        assertThat(count("jselectors.loop.ready.events")).isEqualTo(2);
    }

    @Test
    void timeBeforeTheFirstEventIsBlockedAndDispatchIsWork() throws InterruptedException {
        ReadyConsumer dispatcher = meters.timed((key, events) -> sleep(60));
        meters.beforeSelect();
        Thread.sleep(40); // "waiting in the kernel"
        dispatcher.accept(null, 1); // the wake-up: the handler then works for 60 ms inside select
        meters.afterSelect(1);
        meters.beforeSelect();
        assertThat(count("jselectors.loop.blocked")).isBetween(0.040, 0.060);
        assertThat(count("jselectors.loop.working")).isGreaterThanOrEqualTo(0.060);
    }

    @Test
    void aSelectWithNoEventIsBlockedUntilItReturns() throws InterruptedException {
        meters.beforeSelect();
        Thread.sleep(30);
        meters.afterSelect(0);
        assertThat(count("jselectors.loop.blocked")).isGreaterThanOrEqualTo(0.030);
        Thread.sleep(20); // timers and tasks
        meters.beforeSelect();
        assertThat(count("jselectors.loop.working")).isGreaterThanOrEqualTo(0.020);
    }

    @Test
    void timeBeforeTheFirstSelectIsNotWork() throws InterruptedException {
        Thread.sleep(20); // the loop is registered, its thread not started yet
        meters.beforeSelect();
        assertThat(count("jselectors.loop.working")).isZero();
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
