package io.jselectors.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.connection.tls.TlsObserver;
import io.jselectors.posix.Platform;
import io.jselectors.server.LoopScheduling;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The delegated-task threads run under SCHED_BATCH when the server asks, and only then. */
class TlsTaskSchedulingTest {

    @Test
    void taskThreadsRunUnderSchedBatchOnlyWhenAsked() throws Exception {
        assumeTrue(Platform.current() == Platform.LINUX, "SCHED_BATCH is Linux's");
        assertThat(policyOfTaskThread(true)).isEqualTo(LoopScheduling.SCHED_BATCH);
        assertThat(policyOfTaskThread(false)).as("SCHED_OTHER").isZero();
    }

    private static int policyOfTaskThread(boolean batch) throws Exception {
        CertifiedKey key = SelfSignedCertificate.generate(List.of("localhost"), Instant.now());
        try (TlsListeners tls = new TlsListeners(TlsContext.create(new SniKeyManager(List.of(key))), null, TlsObserver.NONE)) {
            if (batch) {
                tls.batchScheduling();
            }
            CompletableFuture<Integer> policy = new CompletableFuture<>();
            tls.taskPool().execute(() -> policy.complete(LoopScheduling.currentPolicy()));
            return policy.get(10, TimeUnit.SECONDS);
        }
    }
}
