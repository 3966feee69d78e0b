package io.jselectors.protocol.testkit;

import io.jselectors.connection.ConnectionContract;

/** The connection contract against the testkit's connection. */
class TestConnectionContractTest extends ConnectionContract {
    @Override
    protected Harness newHarness() {
        return new TestkitHarness();
    }
}
