package io.jselectors.server;

import io.jselectors.connection.ConnectionContract;

/** The connection contract against the server's socket connection on the native transport (epoll). */
class NativeSocketConnectionContractTest extends ConnectionContract {
    @Override
    protected Harness newHarness() throws Exception {
        return new ServerHarness("native", "epoll");
    }
}
