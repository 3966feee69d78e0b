package io.jselectors.protocol.chat;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.SharedServices;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.Map;

/** The http listener's context: its own options and address, the server's shared services. */
record HttpListener(ListenerContext chat, SharedServices services) implements ListenerContext {
    @Override
    public String protocol() {
        return "http";
    }

    @Override
    public InetSocketAddress address() {
        return chat.address();
    }

    @Override
    public Map<String, String> options() {
        return Map.of();
    }

    @Override
    public MeterRegistry meterRegistry() {
        return chat.meterRegistry();
    }

    @Override
    public Object sharedState() {
        return null;
    }

    @Override
    public SharedServices sharedServices() {
        return services;
    }
}
