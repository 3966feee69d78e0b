package io.jselectors.server;

import io.jselectors.connection.ConnectionContract;

/**
 * The connection contract against the server's socket connection on the native transport (epoll),
 * edge-triggered (the default; {@link LevelTriggeredSocketConnectionContractTest} runs it level-triggered).
 */
class NativeSocketConnectionContractTest extends ConnectionContract {
    @Override
    protected Harness newHarness() throws Exception {
        return new ServerHarness("native", "epoll", false, ServerSettings.DEFAULT_MAX_READS, true);
    }
}
