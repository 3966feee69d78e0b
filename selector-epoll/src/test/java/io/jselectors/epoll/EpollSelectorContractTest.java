package io.jselectors.epoll;

import io.jselectors.selector.Selector;
import io.jselectors.selector.contract.SelectorContractTest;
import java.io.IOException;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The whole selector contract on the {@code epoll} backend, with posix socket pairs. */
@EnabledOnOs(value = OS.LINUX, disabledReason = "epoll exists on Linux only")
class EpollSelectorContractTest extends SelectorContractTest {

    @Override
    protected Selector openSelector() throws IOException {
        return Selector.open("epoll");
    }
}
