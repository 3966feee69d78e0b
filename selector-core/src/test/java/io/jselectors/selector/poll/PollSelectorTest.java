package io.jselectors.selector.poll;

import static io.jselectors.selector.Selector.EVENT_READ;
import static io.jselectors.selector.Selector.EVENT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jselectors.posix.Fd;
import io.jselectors.posix.Libc;
import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the contract suite does not reach: poll's event mapping, closed fds, the array, coalescing. */
class PollSelectorTest {

    @Test
    void pollfdLayoutIs8Bytes() {
        // struct pollfd: Linux asm-generic/poll.h, macOS and FreeBSD sys/poll.h
        assertEquals(8, Poll.SIZE);
        assertEquals(0, Poll.FD);
        assertEquals(4, Poll.EVENTS);
        assertEquals(6, Poll.REVENTS);
    }

    @Test
    void errorBitsMakeBothEventsReady() {
        assertEquals(EVENT_READ, PollSelector.toSelectorEvents(Poll.POLLIN));
        assertEquals(EVENT_WRITE, PollSelector.toSelectorEvents(Poll.POLLOUT));
        assertEquals(EVENT_READ | EVENT_WRITE, PollSelector.toSelectorEvents(Poll.POLLHUP));
        assertEquals(EVENT_READ | EVENT_WRITE, PollSelector.toSelectorEvents(Poll.POLLERR));
        assertEquals(EVENT_READ | EVENT_WRITE, PollSelector.toSelectorEvents(Poll.POLLNVAL));
        assertEquals(Poll.POLLIN | Poll.POLLOUT, PollSelector.toPollEvents(EVENT_READ | EVENT_WRITE));
    }

    @Test
    void closedRegisteredFdIsReportedThroughPollnval() throws Exception {
        try (Selector s = Selector.open("poll")) {
            int[] pipe = Libc.pipe();
            s.register(pipe[0], EVENT_READ, "closed");
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
            List<Ready> ready = s.select(Duration.ZERO);
            assertEquals(1, ready.size());
            assertEquals(EVENT_READ, ready.get(0).events(), "POLLNVAL masked with the key's READ");
            s.unregister(pipe[0]);
            assertEquals(List.of(), s.select(Duration.ZERO));
        }
    }

    @Test
    void arrayGrowsPastItsInitialCapacityAndShrinksItsUse() throws Exception {
        List<Fd> open = new ArrayList<>();
        try (Selector s = Selector.open("poll")) {
            int pairs = PollSelector.INITIAL_CAPACITY; // 2 fds each: twice the initial array
            for (int i = 0; i < pairs; i++) {
                Fd[] p = Fd.socketPair();
                open.add(p[0]);
                open.add(p[1]);
                s.register(p[0], EVENT_WRITE, i);
                s.register(p[1], EVENT_READ, i);
            }
            assertEquals(pairs, s.select(Duration.ZERO).size(), "every writer, no reader");
            for (int i = 0; i < open.size(); i += 4) {
                s.unregister(open.get(i));
            }
            assertEquals(pairs / 2, s.select(Duration.ZERO).size());
        } finally {
            for (Fd fd : open) {
                fd.close();
            }
        }
    }

    @Test
    void manyWakeupsWriteOneByteAndAreUsedUpByOneSelect() throws Exception {
        try (Selector s = Selector.open("poll")) {
            for (int i = 0; i < 10_000; i++) {
                s.wakeup();
            }
            assertEquals(List.of(), s.select(Duration.ofSeconds(5)));
            long t0 = System.nanoTime();
            assertEquals(List.of(), s.select(Duration.ofMillis(50)));
            assertTrue(System.nanoTime() - t0 >= 50_000_000L, "the second select waited");
        }
    }
}
