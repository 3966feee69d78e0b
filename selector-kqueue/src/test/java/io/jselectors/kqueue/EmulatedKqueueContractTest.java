package io.jselectors.kqueue;

import io.jselectors.selector.Selector;
import io.jselectors.selector.contract.SelectorContractTest;
import java.io.IOException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The whole contract suite on KqueueSelector, on Linux, with {@link PollKqueue} standing in for
 * the kernel: real sockets and pipes, real blocking and wakeups, and the selector's own change
 * lists, receipts, merging and EV_EOF handling in both struct layouts. The real kernel is tested
 * by {@link KqueueSelectorContractTest} on macOS and FreeBSD.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "PollKqueue emulates kqueue with Linux's poll(2) ABI")
class EmulatedKqueueContractTest {

    /** macOS's 32-byte struct kevent. */
    @Nested
    class MacosLayout extends SelectorContractTest {
        @Override
        protected Selector openSelector() throws IOException {
            return KqueueSelector.open(new PollKqueue(KeventAbi.MACOS), KeventAbi.MACOS);
        }
    }

    /** FreeBSD's 64-byte struct kevent. */
    @Nested
    class FreebsdLayout extends SelectorContractTest {
        @Override
        protected Selector openSelector() throws IOException {
            return KqueueSelector.open(new PollKqueue(KeventAbi.FREEBSD), KeventAbi.FREEBSD);
        }
    }
}
