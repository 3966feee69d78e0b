package io.jselectors.server.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The cluster suite on Debian's nats-server (JetStream on, for the nick claims). */
class NatsClusterChatTest extends ClusterChatSuite {
    @Override
    BrokerProcess newBroker() {
        try {
            return new BrokerProcess.Nats();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
