package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The direct memory rule: half the heap's maximum, at most a fifth of what is given, at least 16 MiB. */
class MemorySizingTest {

    private static final long MIB = 1L << 20;

    @Test
    void aSmallHeapOnABigMachineCapsDirectMemoryAtHalfTheHeap() {
        assertThat(MemorySizing.directCap(24_000 * MIB, 64 * MIB)).isEqualTo(32 * MIB);
    }

    @Test
    void aContainerLimitBoundsTheCapWhateverTheHeap() {
        // A 128 MiB container whose heap was set to 64 MiB: a fifth of 128 MiB is below half the heap.
        assertThat(MemorySizing.directCap(128 * MIB, 64 * MIB)).isEqualTo(128 * MIB * 20 / 100);
        assertThat(MemorySizing.directCap(128 * MIB, 4096 * MIB)).isEqualTo(128 * MIB * 20 / 100);
        // The image's 30 % heap: half of it, below a fifth of the limit.
        assertThat(MemorySizing.directCap(128 * MIB, 128 * MIB * 30 / 100)).isEqualTo(128 * MIB * 30 / 100 / 2);
    }

    @Test
    void theCapNeverFallsBelowTheMinimum() {
        assertThat(MemorySizing.directCap(32 * MIB, 8 * MIB)).isEqualTo(MemorySizing.MIN_DIRECT_CAP);
    }
}
