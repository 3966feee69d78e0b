package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The direct memory rule (half the heap's maximum, at most a fifth of what is given, at least 16 MiB)
 * and the socket buffer rule (a fixed share of a memory limit, the kernel's autotuning without one).
 */
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
        // The image's 25 % heap: half of it is below the minimum, which holds.
        assertThat(MemorySizing.directCap(128 * MIB, 128 * MIB * 25 / 100)).isEqualTo(MemorySizing.MIN_DIRECT_CAP);
    }

    @Test
    void theCapNeverFallsBelowTheMinimum() {
        assertThat(MemorySizing.directCap(32 * MIB, 8 * MIB)).isEqualTo(MemorySizing.MIN_DIRECT_CAP);
    }

    @Test
    void underAMemoryLimitEachConnectionGetsAFixedShareOfIt() {
        // 128 MiB: 16 KiB each way; a queued connection may hold 32 KiB, and 256 of them are 1/16 of the limit.
        assertThat(MemorySizing.decideSockets("auto", 128 * MIB, 24_000 * MIB)).isEqualTo(new SocketSizing(16 << 10, 256));
        assertThat(MemorySizing.decideSockets(null, 128 * MIB, 24_000 * MIB)).isEqualTo(new SocketSizing(16 << 10, 256));
        assertThat(MemorySizing.decideSockets("auto", 512 * MIB, 24_000 * MIB)).isEqualTo(new SocketSizing(64 << 10, 256));
        assertThat(MemorySizing.decideSockets("auto", 32 * MIB, 24_000 * MIB))
                .isEqualTo(new SocketSizing(MemorySizing.MIN_SOCKET_BUFFER, MemorySizing.MIN_BACKLOG));
        assertThat(MemorySizing.decideSockets("auto", 16384 * MIB, 24_000 * MIB))
                .isEqualTo(new SocketSizing(MemorySizing.MAX_SOCKET_BUFFER, 1024));
    }

    @Test
    void withoutALimitOrWhenAskedTheKernelKeepsAutotuning() {
        assertThat(MemorySizing.decideSockets("auto", 24_000 * MIB, 24_000 * MIB)).isEqualTo(SocketSizing.KERNEL);
        assertThat(MemorySizing.decideSockets("auto", 24_000 * MIB, 0)).as("machine memory unknown").isEqualTo(SocketSizing.KERNEL);
        assertThat(MemorySizing.decideSockets(" Kernel ", 128 * MIB, 24_000 * MIB)).isEqualTo(SocketSizing.KERNEL);
        assertThat(MemorySizing.decideSockets("65536", 24_000 * MIB, 24_000 * MIB)).isEqualTo(new SocketSizing(65536, 1024));
    }

    @Test
    void aWrongSocketBufferIsAUsageError() {
        assertThatThrownBy(() -> MemorySizing.decideSockets("64k", 128 * MIB, 24_000 * MIB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto, kernel or a number of bytes");
        assertThatThrownBy(() -> MemorySizing.decideSockets("100", 128 * MIB, 24_000 * MIB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1024");
    }
}
