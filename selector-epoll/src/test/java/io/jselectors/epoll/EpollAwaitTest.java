package io.jselectors.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.posix.Errno;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link Epoll#await}'s errors. Its blocking form captures no errno (that would cost a heap object
 * per wait) and learns a failure's errno from a capturing poll: a failure the kernel repeats must
 * still come back as its own errno, never as the EINTR that makes the selector wait again (an
 * interrupted wait, the other case, is the selector contract's signal test).
 */
@EnabledOnOs(OS.LINUX)
class EpollAwaitTest {

    @Test
    void aBlockingWaitOnSomethingThatIsNotAnEpollSetFailsWithEinvalAtOnce() throws Exception {
        int[] pipe = Libc.pipe();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(Epoll.EVENT_SIZE * 4L, 8);
            MemorySegment callState = Native.newCallState(arena);
            long t0 = System.nanoTime();
            assertThat(Epoll.await(callState, pipe[0], events, 4, 5_000)).isEqualTo(-Errno.EINVAL);
            assertThat(Epoll.await(callState, pipe[0], events, 4, -1)).isEqualTo(-Errno.EINVAL);
            assertThat(Epoll.await(callState, pipe[0], events, 4, 0)).isEqualTo(-Errno.EINVAL);
            assertThat(System.nanoTime() - t0).as("no wait: the failure comes back at once").isLessThan(2_000_000_000L);
        } finally {
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
        }
    }

    @Test
    void aBlockingWaitForNoEventsAtAllFailsWithEinval() throws Exception {
        int epfd = Epoll.create();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(Epoll.EVENT_SIZE * 4L, 8);
            // maxevents must be greater than zero (epoll_wait(2)).
            assertThat(Epoll.await(Native.newCallState(arena), epfd, events, 0, 5_000)).isEqualTo(-Errno.EINVAL);
        } finally {
            Libc.close(epfd);
        }
    }
}
