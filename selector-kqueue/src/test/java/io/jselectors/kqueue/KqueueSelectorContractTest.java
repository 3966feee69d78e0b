package io.jselectors.kqueue;

import io.jselectors.selector.Selector;
import io.jselectors.selector.contract.SelectorContractTest;
import java.io.IOException;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The contract suite on the real {@code kqueue} backend. It needs the kernel, so it runs on macOS
 * and FreeBSD (the CI workflow's macos-latest job); elsewhere the whole class is skipped with the
 * reason below, and the translation logic is covered by the fake-kernel tests instead.
 */
@EnabledOnOs(value = {OS.MAC, OS.FREEBSD}, disabledReason = "kqueue exists only on macOS and FreeBSD")
class KqueueSelectorContractTest extends SelectorContractTest {

    @Override
    protected Selector openSelector() throws IOException {
        return Selector.open("kqueue");
    }
}
