package io.jselectors.kqueue;

import static io.jselectors.kqueue.KeventAbi.EVFILT_READ;
import static io.jselectors.kqueue.KeventAbi.EVFILT_WRITE;
import static io.jselectors.kqueue.KeventAbi.EV_EOF;
import static io.jselectors.kqueue.KeventAbi.EV_ERROR;
import static io.jselectors.selector.Selector.EVENT_READ;
import static io.jselectors.selector.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How KqueueSelector turns kernel events into ready keys (merging, EV_EOF, EV_ERROR, stale and
 * foreign entries), sizes its event buffer, converts timeouts and handles EINTR, against {@link
 * FakeKqueue}, in both the macOS and the FreeBSD layout.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("abis")
class KqueueSelectTest {

    static Stream<KeventAbi> abis() {
        return Stream.of(KeventAbi.MACOS, KeventAbi.FREEBSD);
    }

    @Parameter
    KeventAbi abi;

    private FakeKqueue kernel;
    private KqueueSelector selector;

    @BeforeEach
    void open() throws Exception {
        kernel = new FakeKqueue(abi);
        selector = KqueueSelector.open(kernel, abi);
    }

    @AfterEach
    void close() throws Exception {
        selector.close();
    }

    private List<String> select() throws Exception {
        List<String> out = new ArrayList<>();
        for (Ready r : selector.select(Duration.ZERO)) {
            out.add(r.key().fd() + "=" + r.events());
        }
        return out;
    }

    @Test
    void readAndWriteOfOneFdAreMergedIntoOneEntryEvenWhenNotAdjacent() throws Exception {
        selector.register(5, EVENT_READ | EVENT_WRITE, "five");
        selector.register(6, EVENT_READ);
        kernel.ready(5, EVFILT_READ, 0).ready(6, EVFILT_READ, 0).ready(5, EVFILT_WRITE, 0);
        List<Ready> ready = selector.select(Duration.ZERO);
        assertThat(ready).hasSize(2);
        assertThat(ready.get(0).key()).isSameAs(selector.getKey(5));
        assertThat(ready.get(0).events()).isEqualTo(EVENT_READ | EVENT_WRITE);
        assertThat(ready.get(1).key().fd()).isEqualTo(6);
        assertThat(ready.get(1).events()).isEqualTo(EVENT_READ);
        // Nothing is left over for the next select.
        kernel.notReady();
        assertThat(select()).isEmpty();
    }

    @Test
    void writeOnlyReadinessIsReportedAsWrite() throws Exception {
        selector.register(5, EVENT_READ | EVENT_WRITE);
        kernel.ready(5, EVFILT_WRITE, 0);
        assertThat(select()).containsExactly("5=" + EVENT_WRITE);
    }

    @Test
    void endOfFileIsReportedForEverythingTheKeyAskedFor() throws Exception {
        selector.register(5, EVENT_READ | EVENT_WRITE);
        selector.register(6, EVENT_READ);
        selector.register(7, EVENT_WRITE);
        kernel.ready(5, EVFILT_READ, EV_EOF).ready(6, EVFILT_READ, EV_EOF).ready(7, EVFILT_WRITE, EV_EOF);
        assertThat(select()).containsExactly("5=3", "6=" + EVENT_READ, "7=" + EVENT_WRITE);
    }

    @Test
    void errorEntryWithAnErrnoIsReadinessAndAReceiptOfSuccessIsNot() throws Exception {
        selector.register(5, EVENT_READ | EVENT_WRITE);
        selector.register(6, EVENT_READ);
        kernel.rawOnce(5, EVFILT_READ, EV_ERROR, Errno.EBADF).rawOnce(6, EVFILT_READ, EV_ERROR, 0);
        assertThat(select()).containsExactly("5=3");
    }

    @Test
    void filtersAreComparedByValueNotByBits() throws Exception {
        // EVFILT_AIO (-3) has every bit of EVFILT_READ (-1) and EVFILT_WRITE (-2): a bit test
        // would report it as both.
        selector.register(5, EVENT_READ | EVENT_WRITE);
        kernel.rawOnce(5, (short) -3, 0, 0).rawOnce(5, (short) -4, 0, 0);
        assertThat(select()).isEmpty();
    }

    @Test
    void theWakeupEventIsNeverReportedAsFdZero() throws Exception {
        selector.register(0, EVENT_READ | EVENT_WRITE);
        selector.wakeup();
        assertThat(select()).isEmpty();
        assertThat(kernel.userTriggered()).isFalse(); // consumed by that select
    }

    @Test
    void wakeupsBeforeASelectCoalesce() throws Exception {
        selector.wakeup();
        selector.wakeup();
        selector.wakeup();
        assertThat(select()).isEmpty();
        // EV_CLEAR reset the event: the next wait with a timeout reports nothing at all.
        assertThat(selector.select(Duration.ofMillis(5))).isEmpty();
        assertThat(kernel.userTriggered()).isFalse();
    }

    @Test
    void eventsOfUnregisteredFdsAreDropped() throws Exception {
        selector.register(5, EVENT_READ);
        selector.register(6, EVENT_READ | EVENT_WRITE); // room for all four entries
        kernel.rawOnce(9, EVFILT_READ, 0, 0).rawOnce(-1L, EVFILT_READ, 0, 0)
                .rawOnce(1L << 40, EVFILT_WRITE, 0, 0).rawOnce(5, EVFILT_READ, 0, 0);
        assertThat(select()).containsExactly("5=" + EVENT_READ);
    }

    @Test
    void aKeyUnregisteredByTheConsumerIsNotReportedLater() throws Exception {
        selector.register(5, EVENT_READ);
        selector.register(6, EVENT_READ);
        kernel.ready(5, EVFILT_READ, 0).ready(6, EVFILT_READ, 0);
        List<Integer> seen = new ArrayList<>();
        int n = selector.select(Duration.ZERO, (key, events) -> {
            seen.add(key.fd());
            if (key.fd() == 5) {
                try {
                    selector.unregister(6);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertThat(seen).containsExactly(5);
        assertThat(n).isEqualTo(1);
    }

    @Test
    void aConsumerThatThrowsLeavesNothingBehindForTheNextSelect() throws Exception {
        selector.register(5, EVENT_READ | EVENT_WRITE);
        selector.register(6, EVENT_READ | EVENT_WRITE);
        kernel.ready(5, EVFILT_READ, 0).ready(6, EVFILT_READ, 0);
        assertThatThrownBy(() -> selector.select(Duration.ZERO, (key, events) -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        kernel.notReady().ready(6, EVFILT_WRITE, 0);
        assertThat(select()).containsExactly("6=" + EVENT_WRITE);
    }

    @Test
    void eventBufferHoldsOneSlotPerFilterPlusTheWakeupAndNeverZero() throws Exception {
        selector.select(Duration.ZERO);
        assertThat(kernel.lastCall().nevents()).isEqualTo(1); // nothing registered, still 1
        for (int fd = 10; fd < 13; fd++) {
            selector.register(fd, EVENT_READ | EVENT_WRITE);
        }
        selector.register(20, EVENT_READ);
        selector.select(Duration.ZERO);
        assertThat(kernel.lastCall().nevents()).isEqualTo(3 * 2 + 1 + 1);
        selector.unregister(10);
        selector.modify(11, EVENT_WRITE, null);
        selector.select(Duration.ZERO);
        assertThat(kernel.lastCall().nevents()).isEqualTo(2 + 1 + 1 + 1);
    }

    @Test
    void eventBufferGrowsWithManyRegistrationsAndReportsThemAll() throws Exception {
        for (int fd = 100; fd < 400; fd++) {
            selector.register(fd, EVENT_READ | EVENT_WRITE);
            kernel.ready(fd, EVFILT_READ, 0).ready(fd, EVFILT_WRITE, 0);
        }
        List<Ready> ready = selector.select(Duration.ZERO);
        assertThat(kernel.lastCall().nevents()).isEqualTo(601);
        assertThat(ready).hasSize(300).allMatch(r -> r.events() == (EVENT_READ | EVENT_WRITE));
    }

    @Test
    void timeoutsBecomeTimespecsRoundedToNothingLessThanAsked() throws Exception {
        selector.select(null);
        assertThat(kernel.lastCall().timeoutNanos()).isNull(); // NULL: wait without limit
        selector.select(Duration.ZERO);
        assertThat(kernel.lastCall().timeoutNanos()).isZero();
        selector.select(Duration.ofSeconds(-1));
        assertThat(kernel.lastCall().timeoutNanos()).isZero();
        selector.select(Duration.ofNanos(1));
        assertThat(kernel.lastCall().timeoutNanos()).isEqualTo(1); // never rounded down to 0
        selector.select(Duration.ofMillis(1500));
        assertThat(kernel.lastCall().timeoutNanos()).isEqualTo(1_500_000_000L);
        selector.selectNanos(Selector.INFINITE - 1, (k, e) -> {});
        assertThat(kernel.lastCall().timeoutNanos()).isEqualTo(Selector.INFINITE - 1);
    }

    @Test
    void eintrMakesKernelSelectReturnMinusOneAndTheSelectRetries() throws Exception {
        selector.register(5, EVENT_READ);
        kernel.ready(5, EVFILT_READ, 0).failNextWait(Errno.EINTR);
        assertThat(selector.selectNanos(0, (k, e) -> {})).isEqualTo(1); // retried, then 1 ready
        assertThat(kernel.waits()).hasSize(2);
        kernel.failNextWait(Errno.EINTR);
        assertThat(selector.select(null)).hasSize(1);
        assertThat(kernel.waits().subList(2, 4)).allMatch(c -> c.timeoutNanos() == null);
    }

    @Test
    void eintrRetryWaitsOnlyForTheTimeThatRemains() throws Exception {
        kernel.failNextWait(Errno.EINTR);
        selector.select(Duration.ofSeconds(30));
        List<FakeKqueue.Call> waits = kernel.waits();
        assertThat(waits).hasSize(2);
        assertThat(waits.get(1).timeoutNanos()).isPositive().isLessThanOrEqualTo(waits.get(0).timeoutNanos());
    }

    @Test
    void otherWaitErrorsAreThrown() {
        kernel.failNextWait(Errno.EINVAL);
        assertThatThrownBy(() -> selector.select(Duration.ZERO))
                .isInstanceOf(ErrnoException.class)
                .hasMessageStartingWith("kevent")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void selectPassesNoChangesAndReusesItsBuffers() throws Exception {
        selector.register(5, EVENT_READ);
        selector.select(Duration.ZERO);
        selector.select(Duration.ZERO);
        List<FakeKqueue.Call> waits = kernel.waits();
        assertThat(waits).hasSize(2).allMatch(c -> c.changes().isEmpty());
        assertThat(waits.get(1).eventsAddress()).isEqualTo(waits.get(0).eventsAddress());
    }
}
