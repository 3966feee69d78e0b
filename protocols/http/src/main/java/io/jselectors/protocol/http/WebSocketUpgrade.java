package io.jselectors.protocol.http;

import io.jselectors.protocol.websocket.HandshakeResult;
import io.jselectors.protocol.websocket.UpgradeRequest;
import io.jselectors.protocol.websocket.WebSocketHandshake;
import io.jselectors.protocol.websocket.WebSocketRoute;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of a WebSocket upgrade: whether a request goes to the handshake, the handshake's
 * view of the request, and the answer to a refused one. The switch itself is the handler's.
 */
final class WebSocketUpgrade {

    private WebSocketUpgrade() {}

    /**
     * Whether {@code request} is for the WebSocket {@code route} of its path (null: none): always,
     * unless a plain route serves the same path (an endpoint's page) and the request does not ask
     * for an upgrade, so a browser's {@code GET /chat} gets the page and its {@code new
     * WebSocket("/chat")} the session.
     */
    static boolean wanted(HttpRequest request, WebSocketRoute route, boolean plainRoute) {
        return route != null && (!plainRoute || request.header("Upgrade") != null);
    }

    /** Runs the handshake of {@code route} on {@code request}. */
    static HandshakeResult handshake(HttpRequest request, WebSocketRoute route) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (int i = 0; i < request.headerCount(); i++) {
            fields.computeIfAbsent(request.headerName(i), name -> new ArrayList<>(1)).add(request.headerValue(i));
        }
        return route.handshake(new UpgradeRequest(request.method(), fields));
    }

    /** The answer to a refused handshake, with the fields its status calls for. */
    static HttpResponse refusal(HandshakeResult.Refused refused) {
        HttpResponse response = HttpResponse.text(refused.status(), refused.reason() + "\n");
        if (refused.status() == 426) {
            response.header("Sec-WebSocket-Version", WebSocketHandshake.VERSION).header("Upgrade", "websocket");
        } else if (refused.status() == 405) {
            response.header("Allow", "GET");
        }
        return response;
    }
}
