package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The server tests' leak check can fail: a dropped buffer is counted. */
class LeakCounterTest {

    @Test
    void aBufferDroppedWithoutReleaseIsReported() throws InterruptedException {
        assertThat(LeakCounter.installed()).as("surefire installs the counting leak detector").isTrue();
        long before = LeakCounter.reported();
        leakOne();
        long after = before;
        for (int i = 0; i < 50 && after == before; i++) {
            after = LeakCounter.reported();
        }
        assertThat(after).isGreaterThan(before);
    }

    private static void leakOne() {
        PooledByteBufAllocator.DEFAULT.directBuffer(64).writeLong(1); // never released
    }
}
