package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.posix.Platform;
import io.jselectors.selector.Selector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SCHED_BATCH for worker loops that outnumber the CPUs, and only then. */
class LoopSchedulingTest {

    @Test
    void onlyLoopsThatOutnumberTheCpusAskForIt() {
        assumeTrue(Platform.current() == Platform.LINUX, "SCHED_BATCH is Linux's");
        assertThat(LoopScheduling.wanted(4, 1)).isTrue();
        assertThat(LoopScheduling.wanted(2, 2)).isFalse();
        assertThat(LoopScheduling.wanted(1, 4)).isFalse();
    }

    @Test
    void tlsTaskThreadsCountWithTheLoops() {
        assumeTrue(Platform.current() == Platform.LINUX, "SCHED_BATCH is Linux's");
        assertThat(Server.batchScheduling(1, 0, 2)).as("one loop, no TLS, two CPUs").isFalse();
        assertThat(Server.batchScheduling(1, 2, 2)).as("one loop and two task threads on two CPUs").isTrue();
        assertThat(Server.batchScheduling(1, 1, 1)).as("one loop and its task thread pinned to one CPU").isTrue();
    }

    @Test
    void aBatchLoopRunsUnderSchedBatchAndOthersKeepTheDefault() throws Exception {
        assumeTrue(Platform.current() == Platform.LINUX, "SCHED_BATCH is Linux's");
        assertThat(policyOfLoop(true)).isEqualTo(LoopScheduling.SCHED_BATCH);
        assertThat(policyOfLoop(false)).as("SCHED_OTHER").isZero();
    }

    private static int policyOfLoop(boolean batch) throws Exception {
        IoLoop loop = new IoLoop("sched-test", Selector.open(), new SimpleMeterRegistry());
        if (batch) {
            loop.batchScheduling();
        }
        loop.start();
        try {
            CompletableFuture<Integer> policy = new CompletableFuture<>();
            loop.execute(() -> policy.complete(LoopScheduling.currentPolicy()));
            return policy.get(10, TimeUnit.SECONDS);
        } finally {
            loop.stop();
            assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
