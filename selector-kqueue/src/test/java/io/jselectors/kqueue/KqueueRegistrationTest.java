package io.jselectors.kqueue;

import static io.jselectors.kqueue.KeventAbi.EVFILT_READ;
import static io.jselectors.kqueue.KeventAbi.EVFILT_WRITE;
import static io.jselectors.kqueue.KeventAbi.EV_ADD;
import static io.jselectors.kqueue.KeventAbi.EV_CLEAR;
import static io.jselectors.kqueue.KeventAbi.EV_DELETE;
import static io.jselectors.kqueue.KeventAbi.EV_RECEIPT;
import static io.jselectors.selector.Selector.EVENT_READ;
import static io.jselectors.selector.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.kqueue.FakeKqueue.Change;
import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.selector.NotRegisteredException;
import io.jselectors.selector.SelectorKey;
import java.nio.channels.ClosedSelectorException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The change lists KqueueSelector builds for open, register, modify, unregister, wakeup and close,
 * and how it reacts to the kernel's answers, against {@link FakeKqueue}, in both the macOS and the
 * FreeBSD layout.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("abis")
class KqueueRegistrationTest {

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

    private static Change add(long fd, short filter) {
        return new Change(fd, filter, EV_ADD | EV_RECEIPT, 0);
    }

    private static Change delete(long fd, short filter) {
        return new Change(fd, filter, EV_DELETE | EV_RECEIPT, 0);
    }

    private List<Change> lastChanges() {
        return kernel.lastCall().changes();
    }

    @Test
    void openAddsTheWakeupUserEventWithClear() {
        assertThat(kernel.calls()).hasSize(1);
        assertThat(lastChanges()).containsExactly(
                new Change(0, abi.evfiltUser(), EV_ADD | EV_CLEAR | EV_RECEIPT, 0));
        assertThat(kernel.lastCall().nevents()).isEqualTo(1);
        assertThat(kernel.lastCall().timeoutNanos()).isZero();
        assertThat(selector.fileno()).isEqualTo(FakeKqueue.KQ_FD);
    }

    @Test
    void openReportsKqueueFailure() {
        FakeKqueue failing = new FakeKqueue(abi).failKqueue(Errno.EMFILE);
        assertThatThrownBy(() -> KqueueSelector.open(failing, abi))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EMFILE))
                .hasMessageContaining("kqueue");
    }

    @Test
    void registerSendsBothFiltersInOneCall() throws Exception {
        selector.register(5, EVENT_READ | EVENT_WRITE, "both");
        assertThat(kernel.calls()).hasSize(2);
        assertThat(lastChanges()).containsExactly(add(5, EVFILT_READ), add(5, EVFILT_WRITE));
        assertThat(kernel.lastCall().nevents()).isEqualTo(2); // room for both receipts
        assertThat(kernel.knotes()).contains("5:-1", "5:-2");
        assertThat(selector.registeredFilters()).isEqualTo(2);
    }

    @Test
    void registerReadOnlyAddsOnlyTheReadFilter() throws Exception {
        selector.register(6, EVENT_READ);
        assertThat(lastChanges()).containsExactly(add(6, EVFILT_READ));
        selector.register(7, EVENT_WRITE);
        assertThat(lastChanges()).containsExactly(add(7, EVFILT_WRITE));
        assertThat(selector.registeredFilters()).isEqualTo(2);
    }

    @Test
    void registerOfClosedFdThrowsEbadfAndRollsBack() throws Exception {
        kernel.closeFd(9);
        assertThatThrownBy(() -> selector.register(9, EVENT_READ | EVENT_WRITE))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EBADF));
        assertThatThrownBy(() -> selector.getKey(9)).isInstanceOf(NotRegisteredException.class);
        assertThat(selector.registeredFilters()).isZero();
        assertThat(kernel.knotes()).doesNotContain("9:-1", "9:-2");
    }

    @Test
    void registerWhoseWriteFilterIsRefusedDeletesTheReadFilterAgain() throws Exception {
        // Python leaves the READ filter in the kernel here; we take it back.
        kernel.failAdd(8, EVFILT_WRITE, Errno.ENOMEM);
        assertThatThrownBy(() -> selector.register(8, EVENT_READ | EVENT_WRITE))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.ENOMEM));
        assertThat(lastChanges()).containsExactly(delete(8, EVFILT_READ));
        assertThat(kernel.knotes()).containsExactly("0:" + abi.evfiltUser());
        assertThat(selector.getMap()).isEmpty();
        assertThat(selector.registeredFilters()).isZero();
    }

    @Test
    void modifyAddsAndDeletesOnlyTheFiltersThatChanged() throws Exception {
        selector.register(5, EVENT_READ);
        selector.modify(5, EVENT_READ | EVENT_WRITE, null);
        assertThat(lastChanges()).containsExactly(add(5, EVFILT_WRITE));
        selector.modify(5, EVENT_WRITE, null);
        assertThat(lastChanges()).containsExactly(delete(5, EVFILT_READ));
        selector.modify(5, EVENT_READ, null);
        assertThat(lastChanges()).containsExactly(add(5, EVFILT_READ), delete(5, EVFILT_WRITE));
        assertThat(kernel.knotes()).contains("5:-1").doesNotContain("5:-2");
        assertThat(selector.registeredFilters()).isEqualTo(1);
    }

    @Test
    void modifyOfDataOnlyMakesNoSystemCall() throws Exception {
        selector.register(5, EVENT_READ, "a");
        int before = kernel.calls().size();
        SelectorKey key = selector.modify(5, EVENT_READ, "b");
        assertThat(key.data()).isEqualTo("b");
        assertThat(kernel.calls()).hasSize(before);
    }

    @Test
    void modifyRefusedByTheKernelRemovesEveryFilterAndTheKey() throws Exception {
        selector.register(5, EVENT_READ);
        kernel.failAdd(5, EVFILT_WRITE, Errno.ENOMEM);
        assertThatThrownBy(() -> selector.modify(5, EVENT_WRITE, null))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.ENOMEM));
        assertThat(selector.getMap()).isEmpty();
        assertThat(kernel.knotes()).containsExactly("0:" + abi.evfiltUser());
        assertThat(selector.registeredFilters()).isZero();
    }

    @Test
    void modifyWhoseAddWorkedButDeleteFailedTakesTheAddBack() throws Exception {
        selector.register(5, EVENT_READ);
        // READ -> WRITE: the WRITE add works, the READ delete fails with something other than
        // ENOENT/EBADF. The new WRITE filter must not stay behind.
        kernel.failDelete(5, EVFILT_READ, Errno.EINVAL);
        assertThatThrownBy(() -> selector.modify(5, EVENT_WRITE, null))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EINVAL));
        assertThat(kernel.knotes()).doesNotContain("5:-2");
        assertThat(selector.getMap()).isEmpty();
        assertThat(selector.registeredFilters()).isZero();
    }

    @Test
    void unregisterDeletesEveryFilterInOneCall() throws Exception {
        selector.register(5, EVENT_READ | EVENT_WRITE);
        selector.unregister(5);
        assertThat(lastChanges()).containsExactly(delete(5, EVFILT_READ), delete(5, EVFILT_WRITE));
        assertThat(kernel.knotes()).containsExactly("0:" + abi.evfiltUser());
        assertThat(selector.registeredFilters()).isZero();
    }

    @Test
    void unregisterAfterTheFdWasClosedIgnoresEbadf() throws Exception {
        selector.register(5, EVENT_READ | EVENT_WRITE);
        kernel.closeFd(5);
        SelectorKey key = selector.unregister(5);
        assertThat(key.fd()).isEqualTo(5);
        assertThat(selector.registeredFilters()).isZero();
    }

    @Test
    void unregisterOfFiltersTheKernelAlreadyDroppedIgnoresEnoent() throws Exception {
        selector.register(5, EVENT_READ | EVENT_WRITE);
        kernel.reopenFd(5); // closed and reused: the filters are gone, the number is valid
        assertThat(selector.unregister(5).fd()).isEqualTo(5);
        assertThat(lastChanges()).containsExactly(delete(5, EVFILT_READ), delete(5, EVFILT_WRITE));
        assertThat(selector.getMap()).isEmpty();
    }

    @Test
    void unregisterReportsOtherDeleteErrorsButForgetsTheKey() throws Exception {
        selector.register(5, EVENT_READ);
        kernel.failDelete(5, EVFILT_READ, Errno.EINVAL);
        assertThatThrownBy(() -> selector.unregister(5))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EINVAL));
        assertThat(selector.getMap()).isEmpty();
        assertThat(selector.registeredFilters()).isZero();
    }

    @Test
    void changeCallInterruptedByASignalIsRetried() throws Exception {
        kernel.failNextCall(Errno.EINTR);
        selector.register(5, EVENT_READ | EVENT_WRITE);
        List<FakeKqueue.Call> calls = kernel.calls();
        assertThat(calls).hasSize(3); // open, the interrupted call, the retry
        assertThat(calls.get(2).changes()).isEqualTo(calls.get(1).changes());
        assertThat(kernel.knotes()).contains("5:-1", "5:-2");
        assertThat(selector.registeredFilters()).isEqualTo(2);
    }

    @Test
    void changeCallFailingAsAWholeFailsEveryChange() throws Exception {
        kernel.failNextCall(Errno.ENOMEM);
        assertThatThrownBy(() -> selector.register(5, EVENT_READ | EVENT_WRITE))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.ENOMEM));
        // Nothing was added, so nothing is taken back: no further call.
        assertThat(kernel.calls()).hasSize(2);
        assertThat(selector.getMap()).isEmpty();
        assertThat(selector.registeredFilters()).isZero();
    }

    @Test
    void openFailsAndClosesTheKqueueWhenTheUserEventIsRefused() {
        FakeKqueue failing = new FakeKqueue(abi).failNextCall(Errno.ENOMEM);
        assertThatThrownBy(() -> KqueueSelector.open(failing, abi))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("EVFILT_USER");
        assertThat(failing.closes()).isEqualTo(1);
    }

    @Test
    void wakeupTriggersTheUserEventWithoutWaiting() {
        selector.wakeup();
        assertThat(lastChanges()).containsExactly(new Change(0, abi.evfiltUser(), 0, KeventAbi.NOTE_TRIGGER));
        assertThat(kernel.lastCall().nevents()).isZero();
        assertThat(kernel.userTriggered()).isTrue();
    }

    @Test
    void manyWakeupsTriggerOnceUntilASelectReportsTheEvent() throws Exception {
        int before = kernel.calls().size();
        for (int i = 0; i < 100; i++) {
            selector.wakeup();
        }
        assertThat(kernel.calls()).hasSize(before + 1);
        assertThat(selector.select(java.time.Duration.ZERO)).isEmpty();
        selector.wakeup();
        assertThat(kernel.calls()).as("re-armed once the select saw the event").hasSize(before + 3);
    }

    @Test
    void aRefusedTriggerThrowsAndTheNextWakeupTriesAgain() {
        kernel.failNextCall(Errno.ENOMEM);
        assertThatThrownBy(selector::wakeup).hasMessageContaining("kevent(NOTE_TRIGGER)").hasMessageContaining("ENOMEM");
        selector.wakeup();
        assertThat(kernel.userTriggered()).isTrue();
    }

    @Test
    void wakeupFromAnotherThreadReachesTheKernel() throws Exception {
        Thread t = Thread.ofPlatform().start(selector::wakeup);
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(kernel.userTriggered()).isTrue();
    }

    @Test
    void closeClosesTheKqueueOnceAndWakeupAfterwardsDoesNothing() throws Exception {
        selector.register(5, EVENT_READ);
        selector.close();
        selector.close();
        assertThat(kernel.closes()).isEqualTo(1);
        int calls = kernel.calls().size();
        selector.wakeup();
        assertThat(kernel.calls()).hasSize(calls);
        assertThat(selector.fileno()).isEqualTo(-1);
        assertThatThrownBy(() -> selector.register(6, EVENT_READ)).isInstanceOf(ClosedSelectorException.class);
    }
}
