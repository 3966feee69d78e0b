package io.jselectors.selector.contract;

import static io.jselectors.selector.Selector.EVENT_READ;
import static io.jselectors.selector.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jselectors.selector.HasFileno;
import io.jselectors.selector.NotRegisteredException;
import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared bookkeeping of {@link io.jselectors.selector.AbstractSelector}, tested once with a
 * recording, fault-injecting backend instead of through every kernel: CPython's test_modify mock
 * part and test_modify_unregister, rollback on register, EINTR retries and timeout conversion.
 */
class AbstractSelectorBookkeepingTest {

    private final RecordingSelector s = new RecordingSelector();

    /** A closable object exposing an fd, like a socket: -1 once closed. */
    private static final class FakeFile implements HasFileno {
        int fd;

        FakeFile(int fd) {
            this.fd = fd;
        }

        @Override
        public int fileno() {
            return fd;
        }
    }

    @Test
    void modifyWithSameEventsAndNewDataDoesNotTouchKernel() throws IOException {
        s.register(5, EVENT_READ, "d1");
        s.calls.clear();
        SelectorKey key = s.modify(5, EVENT_READ, "d3");
        assertEquals(List.of(), s.calls, "no kernel call, no re-registration");
        assertEquals("d3", key.data());
        assertSame(key, s.getKey(5));
    }

    @Test
    void modifyWithNothingChangedDoesNotTouchKernel() throws IOException {
        SelectorKey key = s.register(5, EVENT_READ, "d1");
        s.calls.clear();
        assertSame(key, s.modify(5, EVENT_READ, "d1"));
        assertEquals(List.of(), s.calls);
    }

    @Test
    void modifyOfEventsIsOneKernelModify() throws IOException {
        s.register(5, EVENT_READ);
        s.calls.clear();
        s.modify(5, EVENT_WRITE, null);
        assertEquals(List.of("modify 5 1->2"), s.calls, "not unregister + register");
    }

    @Test
    void modifyWithInvalidMaskDoesNotTouchKernel() throws IOException {
        SelectorKey key = s.register(5, EVENT_READ);
        s.calls.clear();
        assertThrows(IllegalArgumentException.class, () -> s.modify(5, 0, null));
        assertThrows(IllegalArgumentException.class, () -> s.modify(5, 4, null));
        assertEquals(List.of(), s.calls);
        assertSame(key, s.getKey(5));
    }

    @Test
    void modifyRollbackWhenKernelRefuses() throws IOException {
        s.register(5, EVENT_READ);
        IOException refusal = new IOException("kernel says no");
        s.failModify = refusal;
        assertSame(refusal, assertThrows(IOException.class, () -> s.modify(5, EVENT_WRITE, null)));
        assertThat(s.getMap()).isEmpty();
        assertThat(s.calls).endsWith("unregister 5");
    }

    @Test
    void modifyRollbackHandlesAnyExceptionType() throws IOException {
        // CPython's test_modify_unregister raises ZeroDivisionError from the poller.
        s.register(5, EVENT_READ);
        s.failModify = new ArithmeticException("/ by zero");
        assertThrows(ArithmeticException.class, () -> s.modify(5, EVENT_WRITE, null));
        assertThat(s.getMap()).isEmpty();
        assertThrows(NotRegisteredException.class, () -> s.getKey(5));
    }

    @Test
    void modifyRollbackKeepsUnregisterFailureAsSuppressed() throws IOException {
        s.register(5, EVENT_READ);
        s.failModify = new IOException("modify failed");
        s.failUnregister = new IllegalStateException("unregister failed too");
        IOException e = assertThrows(IOException.class, () -> s.modify(5, EVENT_WRITE, null));
        assertThat(e.getSuppressed()).containsExactly(s.failUnregister);
        assertThat(s.getMap()).isEmpty();
    }

    @Test
    void registerRollsBackWhenKernelRefuses() throws IOException {
        s.failRegister = new IOException("EPERM");
        assertThrows(IOException.class, () -> s.register(5, EVENT_READ));
        assertThrows(NotRegisteredException.class, () -> s.getKey(5));
        assertThat(s.getMap()).isEmpty();
        SelectorKey key = s.register(5, EVENT_READ);
        assertSame(key, s.getKey(5));
    }

    @Test
    void registerRollsBackOnUncheckedFailureToo() {
        s.failRegister = new IllegalArgumentException("refused");
        assertThrows(IllegalArgumentException.class, () -> s.register(5, EVENT_READ));
        assertThat(s.getMap()).isEmpty();
    }

    @Test
    void unregisterRemovesFromTableBeforeTheKernelStep() throws IOException {
        s.register(5, EVENT_READ);
        s.unregister(5);
        assertThat(s.calls).endsWith("unregister 5");
    }

    @Test
    void hasFilenoObjectIsFoundByIdentityAfterClose() throws IOException {
        FakeFile f = new FakeFile(7);
        SelectorKey key = s.register(f, EVENT_READ);
        f.fd = -1;
        assertSame(key, s.getKey(f));
        assertSame(key, s.getMap().get(f));
        assertSame(key, s.unregister(f));
    }

    @Test
    void closedObjectThatWasNeverRegisteredIsInvalid() {
        FakeFile f = new FakeFile(-1);
        assertThrows(IllegalArgumentException.class, () -> s.register(f, EVENT_READ));
        assertThrows(IllegalArgumentException.class, () -> s.getKey(f));
        HasFileno throwing = () -> {
            throw new IllegalStateException("closed");
        };
        assertThrows(IllegalArgumentException.class, () -> s.register(throwing, EVENT_READ));
    }

    @Test
    void dispatchMasksEventsAndDropsStaleAndEmptyReports() throws IOException {
        SelectorKey five = s.register(5, EVENT_READ);
        SelectorKey six = s.register(6, EVENT_READ | EVENT_WRITE);
        s.ready.add(new int[] {5, EVENT_READ | EVENT_WRITE}); // masked to READ
        s.ready.add(new int[] {9, EVENT_READ}); // not registered: a stale kernel event
        s.ready.add(new int[] {5, EVENT_WRITE}); // masked to nothing: dropped
        s.ready.add(new int[] {6, EVENT_WRITE});
        assertEquals(List.of(new Ready(five, EVENT_READ), new Ready(six, EVENT_WRITE)), s.select(Duration.ZERO));
    }

    @Test
    void interruptedWaitIsRetriedWithTheRemainingTimeout() throws IOException {
        s.interrupts = 2;
        s.select(Duration.ofSeconds(10));
        assertThat(s.selectTimeouts).hasSize(3);
        long first = s.selectTimeouts.getFirst();
        assertEquals(10_000_000_000L, first);
        assertThat(s.selectTimeouts.get(1)).isLessThanOrEqualTo(first).isGreaterThan(9_000_000_000L);
        assertThat(s.selectTimeouts.get(2)).isLessThanOrEqualTo(s.selectTimeouts.get(1));
    }

    @Test
    void interruptedInfiniteOrZeroWaitKeepsItsTimeout() throws IOException {
        s.interrupts = 1;
        s.select(null);
        s.interrupts = 1;
        s.select(Duration.ZERO);
        assertEquals(List.of(Selector.INFINITE, Selector.INFINITE, 0L, 0L), s.selectTimeouts);
    }

    @Test
    void timeoutsAreConvertedAsPythonDoes() throws IOException {
        s.select(null);
        s.select(Duration.ZERO);
        s.select(Duration.ofSeconds(-1));
        s.select(Duration.ofNanos(1));
        s.select(Duration.ofMillis(1500));
        s.select(Duration.ofSeconds(Long.MAX_VALUE));
        s.selectNanos(-5, (k, e) -> {});
        assertEquals(List.of(Selector.INFINITE, 0L, 0L, 1L, 1_500_000_000L, Selector.INFINITE, 0L), s.selectTimeouts);
    }

    @Test
    void closeReleasesTheKernelObjectOnce() throws IOException {
        s.register(5, EVENT_READ);
        s.close();
        s.close();
        assertEquals(List.of("register 5", "close"), s.calls, "no per-key unregister, one kernel close");
    }
}
