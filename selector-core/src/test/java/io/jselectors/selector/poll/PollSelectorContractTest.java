package io.jselectors.selector.poll;

import io.jselectors.selector.Selector;
import io.jselectors.selector.contract.SelectorContractTest;
import java.io.IOException;

/** The contract suite on the {@code poll} backend. */
class PollSelectorContractTest extends SelectorContractTest {

    @Override
    protected Selector openSelector() throws IOException {
        return Selector.open("poll");
    }
}
