package io.jselectors.server;

import io.jselectors.connection.ConnectionContract;

/** The connection contract against the native socket connection under the test XOR layer. */
class LayeredSocketConnectionContractTest extends ConnectionContract {
    @Override
    protected Harness newHarness() throws Exception {
        return new ServerHarness("native", "epoll");
    }

    @Override
    protected boolean layered() {
        return true;
    }
}
