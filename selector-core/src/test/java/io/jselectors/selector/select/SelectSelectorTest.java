package io.jselectors.selector.select;

import static io.jselectors.selector.Selector.EVENT_READ;
import static io.jselectors.selector.Selector.EVENT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Fd;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Platform;
import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.MemoryLayout.PathElement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the contract suite does not reach: FD_SETSIZE, EBADF, the layouts, merged readiness. */
class SelectSelectorTest {

    @Test
    void fdAtOrAboveFdSetsizeIsRefusedWhenRegistered() throws Exception {
        try (Selector s = Selector.open("select")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.register(1024, EVENT_READ));
            assertTrue(e.getMessage().contains("fd 1024") && e.getMessage().contains("FD_SETSIZE (1024)"),
                    e.getMessage());
            assertTrue(s.getMap().isEmpty(), "the refused registration was rolled back");
            assertThrows(IllegalArgumentException.class, () -> s.register(Integer.MAX_VALUE, EVENT_WRITE));
            assertEquals(List.of(), s.select(Duration.ZERO));
        }
    }

    @Test
    void closedRegisteredFdFailsSelectWithEbadfUntilUnregistered() throws Exception {
        try (Selector s = Selector.open("select")) {
            int[] pipe = Libc.pipe();
            s.register(pipe[0], EVENT_READ);
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
            ErrnoException e = assertThrows(ErrnoException.class, () -> s.select(Duration.ZERO));
            assertEquals(Errno.EBADF, e.errno());
            s.unregister(pipe[0]);
            assertEquals(List.of(), s.select(Duration.ZERO));
        }
    }

    @Test
    void fdSetIsALittleEndianBitSet() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SelectCall.FD_SET_BYTES, Long.BYTES);
            SelectCall.setBit(set, 9, true);
            SelectCall.setBit(set, 1023, true);
            // glibc's FD_SET(9) sets bit 1 of byte 1, FD_SET(1023) bit 7 of byte 127, whatever the word size
            assertEquals(0b10, set.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1));
            assertEquals((byte) 0x80, set.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 127));
            assertEquals(1L << 9, SelectCall.word(set, 0));
            SelectCall.setBit(set, 9, false);
            assertEquals(0L, SelectCall.word(set, 0));
        }
    }

    @Test
    void timevalLayoutsMatchHeaders() {
        // glibc bits/types/struct_timeval.h; FreeBSD sys/_timeval.h; xnu sys/_types/_timeval.h
        for (Platform p : new Platform[] {Platform.LINUX, Platform.MACOS, Platform.FREEBSD}) {
            var layout = SelectCall.timevalLayout(p);
            assertEquals(16, layout.byteSize(), p.name());
            assertEquals(8, layout.byteOffset(PathElement.groupElement("tv_usec")), p.name());
        }
        assertEquals(4, SelectCall.timevalLayout(Platform.MACOS).select(PathElement.groupElement("tv_usec")).byteSize());
        assertEquals(8, SelectCall.timevalLayout(Platform.LINUX).select(PathElement.groupElement("tv_usec")).byteSize());
    }

    @Test
    void readAndWriteReadinessAreMergedPerFd() throws Exception {
        try (Selector s = Selector.open("select")) {
            Fd[] pair = Fd.socketPair();
            try {
                s.register(pair[0], EVENT_READ | EVENT_WRITE, "a");
                pair[1].write(new byte[] {1});
                List<Ready> ready = List.of();
                for (int i = 0; i < 100 && (ready.isEmpty() || ready.get(0).events() != 3); i++) {
                    ready = s.select(Duration.ofMillis(50));
                }
                assertEquals(1, ready.size());
                assertEquals(EVENT_READ | EVENT_WRITE, ready.get(0).events());
            } finally {
                pair[0].close();
                pair[1].close();
            }
        }
    }
}
