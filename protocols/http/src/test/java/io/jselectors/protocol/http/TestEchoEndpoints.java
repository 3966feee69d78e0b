package io.jselectors.protocol.http;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.WebPage;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketEndpointProvider;
import io.jselectors.protocol.WebSocketSession;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plugin's endpoint as a third party would write it: found with ServiceLoader (listed in this
 * module's test resources), echoing text on {@code /echo-test} with a page on the same path.
 */
public final class TestEchoEndpoints implements WebSocketEndpointProvider {

    /** How many endpoints are open (created and not yet closed), across listeners. */
    static final AtomicInteger OPEN = new AtomicInteger();

    /** For ServiceLoader. */
    public TestEchoEndpoints() {}

    @Override
    public String name() {
        return "echo-test";
    }

    @Override
    public String defaultPath() {
        return "/echo-test";
    }

    @Override
    public WebSocketEndpoint newEndpoint(ListenerContext listener, String path) {
        OPEN.incrementAndGet();
        return new Echo();
    }

    @Override
    public int maxMessageBytes(ListenerContext listener) {
        return 16;
    }

    @Override
    public WebPage page(ListenerContext listener, String path) {
        return new WebPage("Echo <test>", "text/html; charset=utf-8",
                ("<!DOCTYPE html><title>echo</title><p>connect to " + path).getBytes(StandardCharsets.UTF_8));
    }

    private static final class Echo implements WebSocketEndpoint, AutoCloseable {
        @Override
        public void onText(WebSocketSession session, String text) {
            session.sendText(text);
        }

        @Override
        public void close() {
            OPEN.decrementAndGet();
        }
    }
}
