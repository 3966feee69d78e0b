package io.jselectors.epoll;

import static io.jselectors.selector.Selector.EVENT_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Fd;
import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Large sets: fds above select(2)'s 1024, and 10,000 registrations of which a few are ready. Both
 * ends of every socket pair are registered, so 10,000 registrations need only 10,000 fds.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "epoll exists on Linux only")
class EpollManyFdsTest {

    /** Fds the JVM, Surefire and the other tests may hold besides ours. */
    private static final int FD_HEADROOM = 512;

    private final List<Fd> fds = new ArrayList<>();

    @AfterEach
    void closeAll() throws ErrnoException {
        for (Fd fd : fds) {
            fd.close();
        }
    }

    private List<Fd> openEnds(int count) throws ErrnoException {
        List<Fd> ends = new ArrayList<>(count);
        for (int i = 0; i < count / 2; i++) {
            Fd[] pair = Fd.socketPair();
            ends.add(pair[0]);
            ends.add(pair[1]);
            fds.add(pair[0]);
            fds.add(pair[1]);
        }
        return ends;
    }

    /** The soft RLIMIT_NOFILE, read from /proc so no getrlimit binding is needed. */
    private static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 1024;
    }

    @Test
    void reportsFdsAbove1024() throws IOException {
        assumeTrue(openFileLimit() >= 1200 + FD_HEADROOM, "RLIMIT_NOFILE " + openFileLimit() + " is too low for 1200 fds");
        List<Fd> ends = openEnds(1200);
        Fd high = ends.getLast();
        assertThat(high.fileno()).isGreaterThan(1024);
        try (Selector selector = Selector.open("epoll")) {
            for (Fd end : ends) {
                selector.register(end, EVENT_READ);
            }
            ends.get(ends.size() - 2).write(new byte[] {1}); // its peer is the highest fd
            List<Ready> ready = selector.select(Duration.ZERO);
            assertThat(ready).extracting(r -> r.key().fd()).containsExactly(high.fileno());
        }
    }

    @Test
    void tenThousandRegisteredOfWhichAFewAreReady() throws IOException {
        int wanted = 10_000;
        long limit = openFileLimit();
        int count = (int) Math.min(wanted, (limit - FD_HEADROOM) & ~1L);
        if (count < wanted) {
            System.out.println("EpollManyFdsTest: RLIMIT_NOFILE is " + limit + ", so " + count
                    + " fds are registered instead of " + wanted);
        }
        assumeTrue(count >= 2048, "RLIMIT_NOFILE " + limit + " is too low for a large set");
        List<Fd> ends = openEnds(count);
        try (EpollSelector selector = (EpollSelector) Selector.open("epoll")) {
            for (Fd end : ends) {
                selector.register(end, EVENT_READ, end);
            }
            assertThat(selector.getMap()).hasSize(count);
            assertThat(selector.eventsCapacity()).isGreaterThan(count);
            assertThat(selector.select(Duration.ZERO)).isEmpty();

            Set<Integer> expected = new TreeSet<>();
            for (int i = 0; i < count; i += count / 7) {
                Fd writer = ends.get(i | 1); // odd index: the second end of pair i / 2
                writer.write(new byte[] {1});
                expected.add(ends.get(i & ~1).fileno());
            }
            Set<Integer> reported = new TreeSet<>();
            int n = selector.select(Duration.ofSeconds(5), (key, events) -> {
                assertThat(events).isEqualTo(EVENT_READ);
                reported.add(key.fd());
            });
            assertThat(n).isEqualTo(expected.size());
            assertThat(reported).isEqualTo(expected);
        }
    }
}
