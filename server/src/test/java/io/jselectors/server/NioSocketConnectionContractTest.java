package io.jselectors.server;

import io.jselectors.connection.ConnectionContract;

/** The connection contract against the server's socket connection on the nio transport. */
class NioSocketConnectionContractTest extends ConnectionContract {
    @Override
    protected Harness newHarness() throws Exception {
        return new ServerHarness("nio", "nio");
    }
}
