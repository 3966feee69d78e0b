package io.jselectors.protocol.chat;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.WebPage;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketEndpointProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Puts the chat on every http listener: {@code /chat} (option {@code http.endpoint.chat}) serves
 * the browser page on a plain {@code GET} and a {@link ChatEndpoint} session on a WebSocket
 * upgrade, in the same rooms as the chat listener's users. Found with {@link java.util.ServiceLoader}.
 */
public final class ChatEndpoints implements WebSocketEndpointProvider {

    /** The page, a resource next to this class: HTML, CSS and script in one file, nothing fetched from elsewhere. */
    static final String PAGE_RESOURCE = "chat.html";

    /** For {@link java.util.ServiceLoader}. */
    public ChatEndpoints() {}

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String defaultPath() {
        return "/chat";
    }

    @Override
    public WebSocketEndpoint newEndpoint(ListenerContext listener, String path) {
        return new ChatEndpoint(listener);
    }

    @Override
    public int maxMessageBytes(ListenerContext listener) {
        return ChatEndpoint.MAX_MESSAGE_BYTES;
    }

    @Override
    public WebPage page(ListenerContext listener, String path) {
        return new WebPage("Chat in the browser", "text/html; charset=utf-8", pageBytes());
    }

    /** The page's bytes; the page connects to its own path, so it needs no templating. */
    static byte[] pageBytes() {
        try (InputStream in = ChatEndpoints.class.getResourceAsStream(PAGE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("chat: resource " + PAGE_RESOURCE + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("chat: reading resource " + PAGE_RESOURCE, e);
        }
    }
}
