package io.jselectors.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wakeup rules written once: coalescing until reset, no raise after close, errors. */
class WakerTest {

    /** A signal that records what the waker asks of it. */
    private static final class Recording implements Waker.Signal {
        final List<String> calls = new ArrayList<>();
        int raiseResult;

        @Override
        public String call() {
            return "raise(test)";
        }

        @Override
        public int raise() {
            calls.add("raise");
            return raiseResult;
        }

        @Override
        public void reset(MemorySegment callState) {
            calls.add("reset");
        }

        @Override
        public void release() {
            calls.add("release");
        }
    }

    @Test
    void wakeupsCoalesceIntoOneRaiseUntilReset() {
        Recording signal = new Recording();
        Waker waker = new Waker(signal);
        for (int i = 0; i < 1000; i++) {
            waker.wakeup();
        }
        assertThat(signal.calls).containsExactly("raise");
        assertThat(waker.isPending()).isTrue();
        waker.reset(MemorySegment.NULL);
        assertThat(waker.isPending()).isFalse();
        waker.wakeup();
        waker.wakeup();
        assertThat(signal.calls).containsExactly("raise", "reset", "raise");
    }

    @Test
    void nothingIsRaisedAfterCloseAndReleaseHappensOnce() throws Exception {
        Recording signal = new Recording();
        Waker waker = new Waker(signal);
        waker.close();
        waker.wakeup();
        waker.close();
        assertThat(signal.calls).containsExactly("release");
    }

    @Test
    void eagainCountsAsRaisedOtherErrorsThrowAndReArm() {
        Recording signal = new Recording();
        Waker waker = new Waker(signal);
        signal.raiseResult = -Errno.EAGAIN;
        waker.wakeup();
        assertThat(waker.isPending()).isTrue();
        waker.reset(MemorySegment.NULL);
        signal.raiseResult = -Errno.EBADF;
        assertThatThrownBy(waker::wakeup).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("raise(test)").hasMessageContaining("EBADF");
        assertThat(waker.isPending()).as("a failed raise leaves the next wakeup free to try").isFalse();
    }

    @Test
    void thePipeHoldsOneByteForManyWakeupsAndResetEmptiesIt() throws Exception {
        WakeupPipe pipe = new WakeupPipe();
        try (Waker waker = new Waker(pipe); Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 1000; i++) {
                waker.wakeup();
            }
            assertThat(Libc.read(pipe.readFd(), 64)).as("one byte for 1000 wakeups").containsExactly(0);
            waker.wakeup();
            assertThat(Libc.read(pipe.readFd(), 64)).as("still pending: nothing new written").isNull();
            waker.reset(Native.newCallState(arena));
            waker.wakeup();
            waker.reset(Native.newCallState(arena));
            assertThat(Libc.read(pipe.readFd(), 64)).as("reset drained the pipe").isNull();
        }
    }

    @Test
    void aWakeupAfterCloseWritesNothingIntoAPipeThatReusedTheNumber() throws Exception {
        WakeupPipe pipe = new WakeupPipe();
        int oldReadFd = pipe.readFd();
        Waker waker = new Waker(pipe);
        waker.close();
        // The kernel hands out the lowest free numbers: the new pipe takes the old ones back, so
        // its write end is the number the waker used to write to.
        int[] reused = Libc.pipe();
        try {
            assumeTrue(reused[0] == oldReadFd, "another thread took fd " + oldReadFd + "; the numbers were not reused");
            waker.wakeup();
            assertThat(Libc.read(reused[0], 64)).as("the new pipe got no byte").isNull();
        } finally {
            Libc.close(reused[0]);
            Libc.close(reused[1]);
        }
    }
}
