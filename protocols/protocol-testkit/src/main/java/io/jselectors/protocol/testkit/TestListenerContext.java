package io.jselectors.protocol.testkit;

import io.jselectors.protocol.ListenerContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.Map;

/** The listener a {@link ProtocolTester} pretends to be. */
record TestListenerContext(
        String protocol, InetSocketAddress address, Map<String, String> options, MeterRegistry meterRegistry, Object sharedState)
        implements ListenerContext {

    TestListenerContext withSharedState(Object state) {
        return new TestListenerContext(protocol, address, options, meterRegistry, state);
    }
}
