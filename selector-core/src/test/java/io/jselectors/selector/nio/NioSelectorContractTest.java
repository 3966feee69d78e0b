package io.jselectors.selector.nio;

import io.jselectors.selector.Selector;
import io.jselectors.selector.contract.Endpoints;
import io.jselectors.selector.contract.SelectorContractTest;
import java.io.IOException;

/** The contract suite on the {@code nio} backend, with UNIX-domain channel pairs. */
class NioSelectorContractTest extends SelectorContractTest {

    @Override
    protected Selector openSelector() throws IOException {
        return Selector.open("nio");
    }

    @Override
    protected Endpoints.Pair newPair() throws IOException {
        return Endpoints.channelPair();
    }

    @Override
    protected boolean acceptsIntFds() {
        return false;
    }
}
