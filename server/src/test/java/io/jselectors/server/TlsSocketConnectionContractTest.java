package io.jselectors.server;

import io.jselectors.connection.ConnectionContract;

/**
 * The connection contract against the native socket connection under the server's TLS layer, the
 * peer being the JDK's TLS socket; edge-triggered (the default; {@link LevelTriggeredTlsSocketConnectionContractTest}
 * runs it level-triggered).
 */
class TlsSocketConnectionContractTest extends ConnectionContract {
    @Override
    protected Harness newHarness() throws Exception {
        return new ServerHarness("native", "epoll", true, ServerSettings.DEFAULT_MAX_READS, true);
    }

    @Override
    protected boolean overTls() {
        return true;
    }
}
