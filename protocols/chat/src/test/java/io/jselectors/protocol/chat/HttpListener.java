package io.jselectors.protocol.chat;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.SharedServices;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.Map;

/** The http listener's context: its own options and address, the server's shared services. */
record HttpListener(ListenerContext chat, SharedServices services) implements ListenerContext {

    /** The {@code /chat} endpoint an http listener of {@code tester}'s server would have: the same chat state. */
    static ChatEndpoint chatEndpoint(ProtocolTester tester) {
        SharedServices shared = new SharedServices();
        shared.acquire(ChatProtocol.SERVICE, ChatState.class, () -> ChatTesting.state(tester));
        return new ChatEndpoint(new HttpListener(tester.context(), shared));
    }

    /** A new session of {@code endpoint} on {@code tester}'s loop, its greeting and join run. */
    static FakeSession open(ProtocolTester tester, ChatEndpoint endpoint) {
        FakeSession session = new FakeSession(tester.loop(), tester.alloc());
        endpoint.onOpen(session);
        tester.runPending();
        return session;
    }
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
