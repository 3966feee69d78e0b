package io.jselectors.server;

import io.jselectors.connection.ConnectionContract;

/**
 * The connection contract against the native socket connection under the server's TLS layer, the
 * peer being the JDK's TLS socket.
 */
class TlsSocketConnectionContractTest extends ConnectionContract {
    @Override
    protected Harness newHarness() throws Exception {
        return new ServerHarness("native", "epoll", true);
    }

    @Override
    protected boolean overTls() {
        return true;
    }
}
