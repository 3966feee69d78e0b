package io.jselectors.server;

import io.jselectors.connection.ConnectionContract;

/**
 * The connection contract against the native socket connection with level-triggered worker loops
 * ({@code -Djselectors.edgeTriggered=false}, the way back from the edge-triggered default), so the
 * mode that is not the default does not rot; {@link NativeSocketConnectionContractTest} runs it
 * edge-triggered, {@link LevelTriggeredTlsSocketConnectionContractTest} level-triggered under TLS.
 */
class LevelTriggeredSocketConnectionContractTest extends ConnectionContract {
    @Override
    protected Harness newHarness() throws Exception {
        return new ServerHarness("native", "epoll", false, ServerSettings.DEFAULT_MAX_READS, false);
    }
}
