package io.jselectors.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The EINTR helper itself: a signal really interrupts a blocking call, and the JVM carries on. */
class SignalsTest {

    @Test
    void sigactionLayoutIsGlibcs() {
        assertEquals(152, Signals.SIGACTION.byteSize());
    }

    @Test
    void signalInterruptsABlockingPoll() throws Throwable {
        Assumptions.assumeTrue(Signals.isSupported(), Signals.unsupportedReason());
        // poll(2) linked here, not through a backend, to see the raw EINTR a backend hides.
        MethodHandle poll = Native.downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        int[] pipe = Libc.pipe();
        try (Arena arena = Arena.ofConfined(); Signals.Handler handler = Signals.installNoopHandler()) {
            MemorySegment state = Native.newCallState(arena);
            MemorySegment pollfd = arena.allocate(8);
            pollfd.set(JAVA_INT, 0, pipe[0]);
            pollfd.set(JAVA_SHORT, 4, (short) 1); // POLLIN; nothing is ever written
            long t0 = System.nanoTime();
            Signals.Result<Integer> r = Signals.whileSignalled(Duration.ofMillis(200), 1,
                    () -> {
                        try {
                            return (int) poll.invokeExact(state, pollfd, 1L, 10_000);
                        } catch (Throwable t) {
                            throw new AssertionError(t);
                        }
                    });
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1, r.signalsSent());
            assertEquals(-1, r.value());
            assertEquals(Errno.EINTR, Native.errno(state));
            assertTrue(millis < 10_000, "poll returned early, after " + millis + " ms");
        } finally {
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
        }
    }
}
