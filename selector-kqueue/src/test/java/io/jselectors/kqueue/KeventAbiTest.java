package io.jselectors.kqueue;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.posix.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * The struct layouts and constants against the values in the systems' own headers (xnu {@code
 * bsd/sys/event.h}, FreeBSD {@code sys/sys/event.h}, {@code sys/_timespec.h}): a wrong size or
 * offset here means the kernel reads garbage on a machine we cannot test on.
 */
class KeventAbiTest {

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    @Test
    void macosKeventIs32BytesWithTheHeadersOffsets() {
        StructLayout k = KeventAbi.MACOS.kevent();
        assertThat(k.byteSize()).isEqualTo(32);
        assertThat(offset(k, "ident")).isZero();
        assertThat(offset(k, "filter")).isEqualTo(8);
        assertThat(offset(k, "flags")).isEqualTo(10);
        assertThat(offset(k, "fflags")).isEqualTo(12);
        assertThat(offset(k, "data")).isEqualTo(16);
        assertThat(offset(k, "udata")).isEqualTo(24);
        assertThat(k.byteAlignment()).isEqualTo(4); // #pragma pack(4)
    }

    @Test
    void freebsdKeventIs64BytesWithExtAfterUdata() {
        StructLayout k = KeventAbi.FREEBSD.kevent();
        assertThat(k.byteSize()).isEqualTo(64);
        assertThat(offset(k, "ident")).isZero();
        assertThat(offset(k, "filter")).isEqualTo(8);
        assertThat(offset(k, "flags")).isEqualTo(10);
        assertThat(offset(k, "fflags")).isEqualTo(12);
        assertThat(offset(k, "data")).isEqualTo(16);
        assertThat(offset(k, "udata")).isEqualTo(24);
        assertThat(offset(k, "ext")).isEqualTo(32);
        assertThat(k.select(groupElement("ext")).byteSize()).isEqualTo(4 * 8);
        assertThat(k.byteAlignment()).isEqualTo(8);
    }

    @Test
    void timespecIsTwoLongs() {
        assertThat(KeventAbi.TIMESPEC.byteSize()).isEqualTo(16);
        assertThat(offset(KeventAbi.TIMESPEC, "tv_sec")).isZero();
        assertThat(offset(KeventAbi.TIMESPEC, "tv_nsec")).isEqualTo(8);
    }

    @Test
    void constantsMatchTheHeaders() {
        assertThat(KeventAbi.EVFILT_READ).isEqualTo((short) -1);
        assertThat(KeventAbi.EVFILT_WRITE).isEqualTo((short) -2);
        assertThat(KeventAbi.MACOS.evfiltUser()).isEqualTo((short) -10);
        assertThat(KeventAbi.FREEBSD.evfiltUser()).isEqualTo((short) -11);
        assertThat(KeventAbi.EV_ADD).isEqualTo(0x1);
        assertThat(KeventAbi.EV_DELETE).isEqualTo(0x2);
        assertThat(KeventAbi.EV_CLEAR).isEqualTo(0x20);
        assertThat(KeventAbi.EV_RECEIPT).isEqualTo(0x40);
        assertThat(KeventAbi.EV_ERROR).isEqualTo(0x4000);
        assertThat(KeventAbi.EV_EOF).isEqualTo(0x8000);
        assertThat(KeventAbi.NOTE_TRIGGER).isEqualTo(0x01000000);
    }

    @Test
    void tableIsChosenByOs() {
        assertThat(KeventAbi.of(Platform.MACOS)).isSameAs(KeventAbi.MACOS);
        assertThat(KeventAbi.of(Platform.FREEBSD)).isSameAs(KeventAbi.FREEBSD);
        assertThat(KeventAbi.of(Platform.LINUX)).isNull();
        assertThat(KeventAbi.of(Platform.OTHER)).isNull();
    }

    @Test
    void setWritesEveryFieldAtItsOffsetAndZeroesTheRest() {
        for (KeventAbi abi : new KeventAbi[] {KeventAbi.MACOS, KeventAbi.FREEBSD}) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment a = arena.allocate(abi.kevent(), 2);
                a.fill((byte) 0x5a);
                abi.set(a, 1, 0x1122334455L, (short) -2, 0x8021, 0x01000000);
                long base = abi.size();
                assertThat(a.get(java.lang.foreign.ValueLayout.JAVA_LONG, base)).isEqualTo(0x1122334455L);
                assertThat(a.get(java.lang.foreign.ValueLayout.JAVA_SHORT, base + 8)).isEqualTo((short) -2);
                assertThat(abi.flags(a, 1)).isEqualTo(0x8021); // unsigned, not sign-extended
                assertThat(abi.fflags(a, 1)).isEqualTo(0x01000000);
                assertThat(abi.data(a, 1)).isZero();
                assertThat(abi.udata(a, 1)).isZero();
                for (long b = base + 32; b < base + abi.size(); b++) {
                    assertThat(a.get(java.lang.foreign.ValueLayout.JAVA_BYTE, b)).as("ext byte %d", b).isZero();
                }
                assertThat(a.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x5a); // entry 0 untouched
            }
        }
    }

    @Test
    void timespecKeepsEveryNanosecond() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(KeventAbi.TIMESPEC);
            KeventAbi.writeTimespec(ts, 1);
            assertThat(ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)).isZero();
            assertThat(ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8)).isEqualTo(1);
            KeventAbi.writeTimespec(ts, 2_999_999_999L);
            assertThat(ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)).isEqualTo(2);
            assertThat(ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8)).isEqualTo(999_999_999L);
            KeventAbi.writeTimespec(ts, Long.MAX_VALUE - 1);
            assertThat(KeventAbi.readTimespec(ts)).isEqualTo(Long.MAX_VALUE - 1);
            assertThatThrownBy(() -> KeventAbi.writeTimespec(ts, -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
