package io.jselectors.selector.contract;

import static io.jselectors.selector.Selector.EVENT_READ;
import static io.jselectors.selector.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.posix.Signals;
import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * select and its timeouts: CPython's test_select, test_select_read_write, test_empty_select,
 * test_timeout, test_empty_select_timeout, test_select_interrupt_noraise, and what upstream leaves
 * untested (sub-millisecond and huge timeouts, hang-ups, masking).
 *
 * <p>Only lower bounds on elapsed time: a wait must last at least its timeout, but how much longer
 * a loaded 2-core CI machine takes to run the thread again is nobody's contract. "Returns at all"
 * is enforced by the suite's time limit; the rounding itself is unit-tested in {@code
 * TimeoutsTest}.
 */
public abstract class SelectContract extends MapAndCloseContract {

    @Test
    void selectWithNoTimeoutReturnsOnlyTheWritableOne() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        SelectorKey wrKey = s.register(p.b(), EVENT_WRITE);
        List<Ready> result = s.select(null);
        for (Ready r : result) {
            assertThat(r.events()).isNotZero();
            assertEquals(0, r.events() & ~(EVENT_READ | EVENT_WRITE));
        }
        assertEquals(List.of(new Ready(wrKey, EVENT_WRITE)), result);
        assertSame(wrKey, result.getFirst().key(), "select reports the stored key itself");
    }

    @Test
    void selectReportsReadAndWriteOfOneFdInOneEntry() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        p.writeB("foo".getBytes());
        SelectorKey key = s.register(p.a(), EVENT_READ | EVENT_WRITE);
        // Give the bytes time to arrive; the write end is ready at once anyway.
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        List<Ready> result = s.select(null);
        while (result.size() == 1 && result.getFirst().events() == EVENT_WRITE && System.nanoTime() < deadline) {
            Thread.sleep(10);
            result = s.select(null);
        }
        assertEquals(List.of(new Ready(key, EVENT_READ | EVENT_WRITE)), result, "exactly one entry per fd");
    }

    @Test
    void readyEventsAreMaskedWithTheKeysEvents() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        p.writeB(new byte[] {42});
        SelectorKey key = s.register(p.a(), EVENT_WRITE);
        Thread.sleep(20);
        assertEquals(List.of(new Ready(key, EVENT_WRITE)), s.select(READY_WAIT));
        SelectorKey readOnly = s.modify(p.a(), EVENT_READ, null);
        assertEquals(List.of(new Ready(readOnly, EVENT_READ)), s.select(READY_WAIT));
    }

    @Test
    void readinessIsLevelTriggeredUntilDrained() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_READ);
        p.writeB(new byte[] {1, 2});
        assertEquals(List.of(new Ready(key, EVENT_READ)), s.select(READY_WAIT));
        assertEquals(List.of(new Ready(key, EVENT_READ)), s.select(READY_WAIT), "still unread, still ready");
        assertThat(p.readA(16)).hasSize(2);
        assertEquals(List.of(), s.select(Duration.ZERO));
    }

    @Test
    void emptySelectWithZeroTimeoutReturnsEmptyList() throws Exception {
        Selector s = selector();
        assertEquals(List.of(), s.select(Duration.ZERO));
        assertEquals(0, s.selectNanos(0, (k, e) -> {}));
    }

    @Test
    void emptySelectWithTimeoutWaitsForIt() throws Exception {
        Selector s = selector();
        long t0 = System.nanoTime();
        assertEquals(List.of(), s.select(Duration.ofSeconds(1)));
        assertThat(millisSince(t0)).isGreaterThanOrEqualTo(800L);
    }

    @Test
    void zeroAndNegativeTimeoutsDoNotBlock() throws Exception {
        // No clock: a backend that blocks here never returns, and the suite's time limit fails it.
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.b(), EVENT_WRITE);
        assertThat(s.select(Duration.ZERO)).hasSize(1);
        assertThat(s.select(Duration.ofSeconds(-1))).hasSize(1);
        s.unregister(p.b());
        s.register(p.a(), EVENT_READ);
        assertEquals(List.of(), s.select(Duration.ZERO));
        assertEquals(List.of(), s.select(Duration.ofSeconds(-1)), "negative means poll, not forever");
        assertEquals(0, s.selectNanos(-1, (k, e) -> {}));
    }

    @Test
    void positiveTimeoutWaitsAboutThatLong() throws Exception {
        Selector s = selector();
        s.register(pair().a(), EVENT_READ);
        long t0 = System.nanoTime();
        assertEquals(List.of(), s.select(Duration.ofSeconds(1)));
        assertThat(millisSince(t0)).isGreaterThanOrEqualTo(800L);
    }

    @Test
    void selectWithNothingReadyWaitsTheWholeTimeout() throws Exception {
        // CPython's test_select_interrupt_noraise without the signal: whatever wakes the kernel
        // early (EINTR, a spurious wakeup) must be waited out, never returned as "nothing ready".
        Selector s = selector();
        s.register(pair().a(), EVENT_READ);
        long t0 = System.nanoTime();
        assertEquals(0, s.select(Duration.ofMillis(1500), (k, e) -> {}));
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(1_500_000_000L);
    }

    /**
     * PEP 475 with a real signal: EINTR during a blocking wait neither ends the select early nor
     * restarts the whole timeout (the retry uses what remains; {@code AbstractSelectorBookkeepingTest}
     * pins that with a fake kernel). Written once here, so every backend, the emulated kqueue
     * included, gets it.
     */
    @Test
    void signalDuringSelectIsRetriedWithTheRemainingTime() throws Exception {
        assumeTrue(Signals.isSupported(), Signals.unsupportedReason());
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        try (Signals.Handler handler = Signals.installNoopHandler()) {
            long t0 = System.nanoTime();
            Signals.Result<List<Ready>> r = Signals.whileSignalled(Duration.ofMillis(300), 3,
                    () -> s.select(Duration.ofMillis(1500)));
            assertThat(r.signalsSent()).as("signals sent during the select").isPositive();
            assertEquals(List.of(), r.value(), "a signal is not readiness");
            assertThat(millisSince(t0)).as("the select waited its whole timeout").isGreaterThanOrEqualTo(1450L);
        }
        assertThat(p.readA(1)).as("nothing was ever written").isNull();
    }

    @Test
    void subMillisecondTimeoutWaitsAtLeastThatLongAndReturns() throws Exception {
        Selector s = selector();
        s.register(pair().a(), EVENT_READ);
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            assertEquals(List.of(), s.select(Duration.ofNanos(100_000)));
            // Rounded up, never down to a zero-timeout busy poll.
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(100_000L);
        }
    }

    @Test
    void hugeTimeoutIsClampedNotRejected() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_WRITE);
        assertEquals(List.of(new Ready(key, EVENT_WRITE)), s.select(Duration.ofDays(365L * 1000)));
        assertEquals(List.of(new Ready(key, EVENT_WRITE)), s.select(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(1, s.selectNanos(Long.MAX_VALUE - 1, (k, e) -> {}));
    }

    @Test
    void selectWithConsumerReportsWhatListSelectReports() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey rd = s.register(p.a(), EVENT_READ);
        SelectorKey wr = s.register(p.b(), EVENT_WRITE);
        p.writeB(new byte[] {1});
        Thread.sleep(20);
        List<Ready> viaList = s.select(READY_WAIT);
        List<Ready> viaConsumer = new ArrayList<>();
        int n = s.select(READY_WAIT, (k, e) -> viaConsumer.add(new Ready(k, e)));
        assertEquals(2, n);
        assertThat(viaConsumer).containsExactlyInAnyOrderElementsOf(viaList)
                .containsExactlyInAnyOrder(new Ready(rd, EVENT_READ), new Ready(wr, EVENT_WRITE));
    }

    @Test
    void peerHangUpIsReportedAsReadForReadOnlyKey() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_READ);
        assertEquals(List.of(), s.select(Duration.ZERO));
        p.closeB();
        assertEquals(List.of(new Ready(key, EVENT_READ)), s.select(READY_WAIT));
        assertThat(p.readA(16)).isEmpty();
    }

    @Test
    void peerHangUpIsReportedAsWriteForWriteOnlyKey() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        fillA(p);
        SelectorKey key = s.register(p.a(), EVENT_WRITE);
        assertEquals(List.of(), s.select(Duration.ZERO), "a full send buffer is not writable");
        p.closeB();
        assertEquals(List.of(new Ready(key, EVENT_WRITE)), s.select(READY_WAIT));
    }
}
