package io.jselectors.protocol.testkit;

import io.jselectors.connection.ConnectionContract;

/** The connection contract against the testkit's connection under the server's TLS layer, the peer being the testkit's TLS client. */
class TlsTestConnectionContractTest extends ConnectionContract {
    @Override
    protected Harness newHarness() {
        return new TestkitHarness(true);
    }

    @Override
    protected boolean overTls() {
        return true;
    }
}
