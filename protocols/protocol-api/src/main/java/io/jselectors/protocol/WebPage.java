package io.jselectors.protocol;

import java.util.Objects;

/**
 * A page a plugin serves over HTTP next to its WebSocket endpoint (see {@link
 * WebSocketEndpointProvider#page}): the whole answer to a {@code GET}, built once.
 *
 * @param title what the home page's link to it says
 * @param contentType the {@code Content-Type}, e.g. {@code text/html; charset=utf-8}
 * @param body the bytes sent (not copied: do not change them after handing them over)
 */
public record WebPage(String title, String contentType, byte[] body) {

    /** Checks that nothing is missing. */
    public WebPage {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }
}
