package io.jselectors.server.cluster;

/** The cluster suite on Debian's redis-server. */
class RedisClusterChatTest extends ClusterChatSuite {
    @Override
    BrokerProcess newBroker() {
        return new BrokerProcess.Redis();
    }
}
