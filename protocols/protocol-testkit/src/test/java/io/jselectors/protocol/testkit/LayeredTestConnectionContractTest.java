package io.jselectors.protocol.testkit;

/** The connection contract against the testkit's connection under the test XOR layer. */
class LayeredTestConnectionContractTest extends TestConnectionContractTest {
    @Override
    protected boolean layered() {
        return true;
    }
}
