package io.jselectors.epoll;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.posix.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@code struct epoll_event}: packed on x86_64, naturally aligned on aarch64. */
class EpollLayoutTest {

    @Test
    void packedLayoutIsTwelveBytesWithDataAtFour() {
        StructLayout packed = Epoll.eventLayout(true);
        assertThat(packed.byteSize()).isEqualTo(12);
        assertThat(packed.byteOffset(groupElement("events"))).isZero();
        assertThat(packed.byteOffset(groupElement("data"))).isEqualTo(4);
        // An array of packed structs has a 12-byte stride, so every other data field sits at an
        // address that is only 4-aligned: the field must be read unaligned.
        assertThat(packed.select(groupElement("data")).byteAlignment()).isEqualTo(1);
    }

    @Test
    void alignedLayoutIsSixteenBytesWithDataAtEight() {
        StructLayout aligned = Epoll.eventLayout(false);
        assertThat(aligned.byteSize()).isEqualTo(16);
        assertThat(aligned.byteOffset(groupElement("events"))).isZero();
        assertThat(aligned.byteOffset(groupElement("data"))).isEqualTo(8);
        assertThat(aligned.byteAlignment()).isEqualTo(8);
    }

    @Test
    void theLayoutInUseIsTheOneOfThisCpu() {
        if (Platform.isX86_64()) {
            assertThat(Epoll.EVENT).isSameAs(Epoll.PACKED_EVENT);
            assertThat(Epoll.EVENT_SIZE).isEqualTo(12);
            assertThat(Epoll.DATA_OFFSET).isEqualTo(4);
        } else {
            assertThat(Epoll.EVENT).isSameAs(Epoll.ALIGNED_EVENT);
            assertThat(Epoll.EVENT_SIZE).isEqualTo(16);
            assertThat(Epoll.DATA_OFFSET).isEqualTo(8);
        }
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "Epoll links epoll symbols when it is initialized: Linux only")
    void accessorsReadWhatSetWroteAtEveryIndex() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(Epoll.EVENT, 3);
            for (int i = 0; i < 3; i++) {
                Epoll.set(array.asSlice(i * Epoll.EVENT_SIZE, Epoll.EVENT_SIZE), 0x10 + i, 0x1_0000_0000L * (i + 1) + i);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(Epoll.events(array, i)).isEqualTo(0x10 + i);
                assertThat(Epoll.data(array, i)).isEqualTo(0x1_0000_0000L * (i + 1) + i);
            }
            // The second struct's data starts right after the first struct on x86_64.
            long secondData = Epoll.EVENT_SIZE + Epoll.DATA_OFFSET;
            assertThat(array.get(ValueLayout.JAVA_LONG_UNALIGNED, secondData)).isEqualTo(0x2_0000_0001L);
        }
    }
}
