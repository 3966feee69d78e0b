package io.jselectors.epoll;

import static io.jselectors.selector.Selector.EVENT_READ;
import static io.jselectors.selector.Selector.EVENT_WRITE;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Fd;
import io.jselectors.posix.Libc;
import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the epoll backend does: its kernel mapping, wakeup, edge triggering and closed fds.
 *
 * <p>Selects with no timeout rely on a wakeup to return; a lost one would hang, so every test runs
 * under the contract suite's 60 s limit, a hang guard, not a measurement.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "epoll exists on Linux only")
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpollSelectorTest {

    private final List<AutoCloseable> resources = new ArrayList<>();
    private EpollSelector selector;

    @BeforeEach
    void open() throws IOException {
        selector = (EpollSelector) Selector.open("epoll");
    }

    @AfterEach
    void closeAll() throws Exception {
        selector.close();
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    private Fd[] socketPair() throws ErrnoException {
        Fd[] pair = Fd.socketPair();
        resources.add(pair[0]);
        resources.add(pair[1]);
        return pair;
    }

    private Fd[] pipe() throws ErrnoException {
        Fd[] pipe = Fd.pipe();
        resources.add(pipe[0]);
        resources.add(pipe[1]);
        return pipe;
    }

    private List<Ready> poll() throws IOException {
        return selector.select(Duration.ZERO);
    }

    private static String procLink(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return "(none)";
        }
    }

    @Test
    void reportsReadAndWriteReadiness() throws IOException {
        Fd[] pair = socketPair();
        selector.register(pair[0], EVENT_READ | EVENT_WRITE, "a");
        assertThat(poll()).extracting(Ready::events).containsExactly(EVENT_WRITE);
        pair[1].write("x".getBytes(US_ASCII));
        List<Ready> ready = poll();
        assertThat(ready).hasSize(1);
        assertThat(ready.getFirst().key()).isSameAs(selector.getKey(pair[0]));
        assertThat(ready.getFirst().events()).isEqualTo(EVENT_READ | EVENT_WRITE);
    }

    @Test
    void selectOnAnEmptySelectorReturnsNothing() throws IOException {
        // maxevents must never be 0 (bpo-23009): the events array always has room.
        assertThat(selector.eventsCapacity()).isPositive();
        assertThat(poll()).isEmpty();
        assertThat(selector.select(Duration.ofMillis(1))).isEmpty();
    }

    @Test
    void theEventsArrayGrowsWithTheRegistrations() throws IOException {
        int count = EpollSelector.INITIAL_EVENTS + 10;
        for (int i = 0; i < count; i++) {
            selector.register(pipe()[0], EVENT_READ);
        }
        assertThat(selector.eventsCapacity()).isGreaterThan(count);
    }

    @Test
    void aHangUpIsReportedAsReadAndWrite() throws IOException {
        Fd[] pipe = pipe();
        selector.register(pipe[0], EVENT_READ | EVENT_WRITE);
        assertThat(poll()).isEmpty();
        pipe[1].close(); // EPOLLHUP alone on the read end: no EPOLLIN, never EPOLLOUT
        assertThat(poll()).extracting(Ready::events).containsExactly(EVENT_READ | EVENT_WRITE);
    }

    @Test
    void anErrorIsReportedAsReadAndWrite() throws IOException {
        Fd[] pipe = pipe();
        selector.register(pipe[1], EVENT_READ | EVENT_WRITE);
        assertThat(poll()).extracting(Ready::events).containsExactly(EVENT_WRITE);
        pipe[0].close(); // EPOLLERR on the write end of a pipe without readers
        assertThat(poll()).extracting(Ready::events).containsExactly(EVENT_READ | EVENT_WRITE);
    }

    @Test
    void aHangUpIsMaskedWithTheKeysEvents() throws IOException {
        Fd[] pipe = pipe();
        selector.register(pipe[0], EVENT_READ);
        pipe[1].close();
        assertThat(poll()).extracting(Ready::events).containsExactly(EVENT_READ);
    }

    @Test
    void levelTriggeredReportsUntilDrained() throws IOException {
        Fd[] pair = socketPair();
        selector.register(pair[0], EVENT_READ);
        pair[1].write("x".getBytes(US_ASCII));
        assertThat(poll()).hasSize(1);
        assertThat(poll()).hasSize(1);
        pair[0].read(16);
        assertThat(poll()).isEmpty();
    }

    @Test
    void edgeTriggeredReportsOnceUntilMoreArrives() throws IOException {
        try (EpollSelector edge = (EpollSelector) Selector.open("epoll", SelectorOption.EDGE_TRIGGERED)) {
            assertThat(edge.isEdgeTriggered()).isTrue();
            Fd[] pair = socketPair();
            edge.register(pair[0], EVENT_READ);
            pair[1].write("x".getBytes(US_ASCII));
            assertThat(edge.select(Duration.ZERO)).hasSize(1);
            // Not drained, yet not reported again: the edge has been seen.
            assertThat(edge.select(Duration.ZERO)).isEmpty();
            pair[1].write("y".getBytes(US_ASCII));
            assertThat(edge.select(Duration.ZERO)).hasSize(1);
            // The rule: drain until EAGAIN; then the next byte makes a new edge.
            assertThat(pair[0].read(16)).isEqualTo("xy".getBytes(US_ASCII));
            assertThat(pair[0].read(16)).isNull();
            assertThat(edge.select(Duration.ZERO)).isEmpty();
            pair[1].write("z".getBytes(US_ASCII));
            assertThat(edge.select(Duration.ZERO)).hasSize(1);
        }
    }

    @Test
    void edgeTriggeredReadCarriesThePeersEndBehindTheData() throws IOException {
        try (Selector edge = Selector.open("epoll", SelectorOption.EDGE_TRIGGERED)) {
            Fd[] pair = socketPair();
            edge.register(pair[0], EVENT_READ | EVENT_WRITE);
            assertThat(edge.select(Duration.ZERO)).singleElement()
                    .satisfies(r -> assertThat(r.events()).isEqualTo(EVENT_WRITE)); // nothing read yet
            pair[1].write("x".getBytes(US_ASCII));
            pair[1].close(); // data and end in one edge: a short read of "x" would leave the end unseen
            assertThat(edge.select(Duration.ZERO)).singleElement()
                    .satisfies(r -> assertThat(r.events()).isEqualTo(EVENT_READ | EVENT_WRITE | Selector.EVENT_PEER_CLOSED));
        }
    }

    @Test
    void levelTriggeredNeverReportsThePeersEndApart() throws IOException {
        Fd[] pair = socketPair();
        selector.register(pair[0], EVENT_READ);
        pair[1].write("x".getBytes(US_ASCII));
        pair[1].close();
        assertThat(poll()).singleElement().satisfies(r -> assertThat(r.events()).isEqualTo(EVENT_READ));
    }

    @Test
    void edgeTriggeredModifyAndReRegisterReportWhatIsAlreadyReady() throws IOException {
        // The server relies on it: a connection that stopped reading (paused) and takes READ back
        // gets an event for bytes that arrived meanwhile, although no new edge comes for them.
        try (Selector edge = Selector.open("epoll", SelectorOption.EDGE_TRIGGERED)) {
            Fd[] pair = socketPair();
            edge.register(pair[0], EVENT_READ);
            pair[1].write("x".getBytes(US_ASCII));
            assertThat(edge.select(Duration.ZERO)).hasSize(1);
            assertThat(edge.select(Duration.ZERO)).isEmpty(); // the edge was seen; the byte is still there
            edge.modify(pair[0], EVENT_READ | EVENT_WRITE, null);
            assertThat(edge.select(Duration.ZERO)).singleElement()
                    .satisfies(r -> assertThat(r.events()).isEqualTo(EVENT_READ | EVENT_WRITE));
            edge.modify(pair[0], EVENT_READ, null);
            assertThat(edge.select(Duration.ZERO)).singleElement()
                    .satisfies(r -> assertThat(r.events()).isEqualTo(EVENT_READ));
            edge.unregister(pair[0]);
            edge.register(pair[0], EVENT_READ);
            assertThat(edge.select(Duration.ZERO)).singleElement()
                    .satisfies(r -> assertThat(r.events()).isEqualTo(EVENT_READ));
            assertThat(edge.select(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void edgeTriggeredSelectorStillSeesEveryWakeup() throws IOException {
        try (Selector edge = Selector.open("epoll", SelectorOption.EDGE_TRIGGERED)) {
            for (int i = 0; i < 3; i++) {
                edge.wakeup();
                assertThat(edge.select(null)).isEmpty();
            }
        }
    }

    @Test
    void aWakeupBeforeSelectMakesTheNextSelectReturnAtOnceAndOnlyThatOne() throws Exception {
        selector.wakeup();
        assertThat(selector.select(null)).isEmpty();
        // Drained: the eventfd is empty again, and a later wakeup works again.
        assertThat(Libc.read(selector.eventFd(), 8)).isNull();
        selector.wakeup();
        assertThat(selector.select(null)).isEmpty();
    }

    @Test
    void repeatedWakeupsCoalesceIntoOneWrite() throws ErrnoException {
        for (int i = 0; i < 5; i++) {
            selector.wakeup();
        }
        // The eventfd's counter adds every write: 1 means one write happened.
        byte[] counter = Libc.read(selector.eventFd(), 8);
        assertThat(ByteBuffer.wrap(counter).order(ByteOrder.nativeOrder()).getLong()).isEqualTo(1);
    }

    @Test
    void aWakeupAfterCloseWritesNothingIntoAnFdThatReusedTheEventfdsNumber() throws IOException {
        int oldEventFd = selector.eventFd();
        selector.close();
        // Closing freed the epoll fd and the eventfd; the kernel hands out the lowest free number
        // first, so two new eventfds take both numbers back.
        List<Integer> fresh = new ArrayList<>();
        try {
            for (int i = 0; i < 2 && !fresh.contains(oldEventFd); i++) {
                fresh.add(Epoll.eventfd());
            }
            assumeTrue(fresh.contains(oldEventFd),
                    "the kernel did not hand out fd " + oldEventFd + " again (another thread took it)");
            selector.wakeup();
            selector.wakeup();
            // Non-blocking, counter 0: read gives EAGAIN (null). A stray write would make it 1.
            assertThat(Libc.read(oldEventFd, 8)).as("the new eventfd at fd %d was written to", oldEventFd).isNull();
        } finally {
            for (int fd : fresh) {
                Libc.close(fd);
            }
        }
    }

    @Test
    void aRegularFileIsRefusedWithEpermAndRolledBack(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("regular"), "data");
        int fd = RegularFiles.openReadOnly(file);
        try {
            assertThatThrownBy(() -> selector.register(fd, EVENT_READ))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM))
                    .hasMessageContaining("EPERM");
            assertThat(selector.getMap()).isEmpty();
            Fd[] pair = socketPair();
            selector.register(pair[0], EVENT_READ);
            assertThat(selector.getMap()).hasSize(1);
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void aClosedFdIsDroppedByTheKernelAndCanStillBeUnregistered() throws IOException {
        Fd[] pair = socketPair();
        selector.register(pair[0], EVENT_READ, "gone");
        pair[1].write("x".getBytes(US_ASCII));
        assertThat(poll()).hasSize(1);
        pair[0].close();
        // Still readable data in it, but the kernel removed it from the set with its last fd.
        assertThat(poll()).isEmpty();
        assertThat(selector.unregister(pair[0]).data()).isEqualTo("gone"); // EBADF ignored
        assertThat(selector.getMap()).isEmpty();
    }

    @Test
    void unregisterWorksWhenTheNumberNowNamesAnotherSocket() throws IOException {
        Fd[] pair = socketPair();
        int fd = pair[0].fileno();
        selector.register(fd, EVENT_READ);
        pair[0].close();
        Fd[] other = socketPair();
        assumeTrue(other[0].fileno() == fd, "the kernel did not hand out fd " + fd + " again (another thread took it)");
        assertThat(selector.unregister(fd).fd()).isEqualTo(fd); // ENOENT ignored
        assertThat(selector.getMap()).isEmpty();
        selector.register(other[0], EVENT_READ); // the number is usable again
    }

    @Test
    void unregisterWorksWhenTheNumberNowNamesARegularFile(@TempDir Path dir) throws IOException {
        Fd[] pair = socketPair();
        int fd = pair[0].fileno();
        selector.register(fd, EVENT_READ);
        pair[0].close();
        int file = RegularFiles.openReadOnly(Files.writeString(dir.resolve("f"), "data"));
        try {
            assumeTrue(file == fd, "the kernel did not hand out fd " + fd + " again (another thread took it)");
            assertThat(selector.unregister(fd).fd()).isEqualTo(fd); // EPERM ignored
            assertThat(selector.getMap()).isEmpty();
        } finally {
            Libc.close(file);
        }
    }

    @Test
    void filenoIsTheEpollFdAndCloseReleasesItAndTheEventfd() throws IOException {
        int epfd = selector.fileno();
        int eventFd = selector.eventFd();
        assertThat(procLink(epfd)).isEqualTo("anon_inode:[eventpoll]");
        assertThat(procLink(eventFd)).isEqualTo("anon_inode:[eventfd]");
        selector.close();
        assertThat(selector.fileno()).isEqualTo(-1);
        assertThat(procLink(epfd)).isNotEqualTo("anon_inode:[eventpoll]");
        assertThat(procLink(eventFd)).isNotEqualTo("anon_inode:[eventfd]");
    }

    @Test
    void epollBitsMapToReadAndWrite() {
        assertThat(EpollSelector.toSelectorEvents(Epoll.EPOLLIN)).isEqualTo(EVENT_READ);
        assertThat(EpollSelector.toSelectorEvents(Epoll.EPOLLOUT)).isEqualTo(EVENT_WRITE);
        assertThat(EpollSelector.toSelectorEvents(Epoll.EPOLLIN | Epoll.EPOLLOUT)).isEqualTo(EVENT_READ | EVENT_WRITE);
        assertThat(EpollSelector.toSelectorEvents(Epoll.EPOLLHUP)).isEqualTo(EVENT_READ | EVENT_WRITE);
        assertThat(EpollSelector.toSelectorEvents(Epoll.EPOLLERR)).isEqualTo(EVENT_READ | EVENT_WRITE);
    }
}
