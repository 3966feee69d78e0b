package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The server tests' leak check can fail: a buffer dropped without release is counted. */
class LeaksTest {

    @Test
    void aBufferDroppedWithoutReleaseIsReported() throws InterruptedException {
        long before = Leaks.count();
        assertThat(before).as("surefire installs the counting leak detector").isNotNegative();
        leakOne();
        long after = before;
        for (int i = 0; i < 50 && after == before; i++) {
            after = Leaks.collected();
        }
        assertThat(after).isGreaterThan(before);
    }

    private static void leakOne() {
        PooledByteBufAllocator.DEFAULT.directBuffer(64).writeLong(1); // never released
    }
}
