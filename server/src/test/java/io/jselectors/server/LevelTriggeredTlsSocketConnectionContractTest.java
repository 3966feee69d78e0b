package io.jselectors.server;

import io.jselectors.connection.ConnectionContract;

/**
 * The connection contract under the server's TLS layer with level-triggered worker loops ({@code
 * -Djselectors.edgeTriggered=false}); {@link TlsSocketConnectionContractTest} runs it edge-triggered.
 */
class LevelTriggeredTlsSocketConnectionContractTest extends ConnectionContract {
    @Override
    protected Harness newHarness() throws Exception {
        return new ServerHarness("native", "epoll", true, ServerSettings.DEFAULT_MAX_READS, false);
    }

    @Override
    protected boolean overTls() {
        return true;
    }
}
