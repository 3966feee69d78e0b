package io.jselectors.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** Wakeups coalesce into one byte per drain, and never write after close. */
class WakeupPipeTest {

    @Test
    void wakeupsCoalesceUntilDrained() throws Exception {
        try (WakeupPipe pipe = new WakeupPipe(); Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 1000; i++) {
                pipe.wakeup();
            }
            // Read the byte ourselves (as a drain would), then re-arm with drain.
            assertArrayEquals(new byte[] {0}, Libc.read(pipe.readFd(), 64), "one byte for 1000 wakeups");
            assertNull(Libc.read(pipe.readFd(), 64));
            pipe.drain(Native.newCallState(arena));
            pipe.wakeup();
            pipe.wakeup();
            assertArrayEquals(new byte[] {0}, Libc.read(pipe.readFd(), 64), "re-armed by the drain");
        }
    }

    @Test
    void drainEmptiesThePipe() throws Exception {
        try (WakeupPipe pipe = new WakeupPipe(); Arena arena = Arena.ofConfined()) {
            pipe.wakeup();
            pipe.drain(Native.newCallState(arena));
            assertNull(Libc.read(pipe.readFd(), 64));
        }
    }

    @Test
    void wakeupAfterCloseDoesNothing() throws Exception {
        WakeupPipe pipe = new WakeupPipe();
        pipe.close();
        pipe.wakeup(); // would be EBADF, or a byte into a reused fd number, without the closed check
        pipe.close();
    }
}
