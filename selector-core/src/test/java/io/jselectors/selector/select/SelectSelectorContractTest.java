package io.jselectors.selector.select;

import io.jselectors.selector.Selector;
import io.jselectors.selector.contract.SelectorContractTest;
import java.io.IOException;

/** The contract suite on the {@code select} backend, which is limited to fds below FD_SETSIZE. */
class SelectSelectorContractTest extends SelectorContractTest {

    @Override
    protected Selector openSelector() throws IOException {
        return Selector.open("select");
    }

    @Override
    protected boolean scalable() {
        return false;
    }
}
