package io.jselectors.protocol.websocket;

import io.jselectors.protocol.WebSocketEndpoint;
import java.util.List;

/**
 * A WebSocket endpoint as the http listener serves it on a path: the endpoint, the subprotocols it
 * speaks (in order of preference), which origins may connect, and the session limits.
 *
 * {@snippet :
 * routes.addWebSocket("/chat/ws", WebSocketRoute.of(chatEndpoint).withSubprotocols(List.of("chat.v1")));
 * }
 */
public record WebSocketRoute(
        WebSocketEndpoint endpoint, List<String> subprotocols, OriginPolicy origins, WebSocketSettings settings) {

    /** Copies the list. */
    public WebSocketRoute {
        subprotocols = List.copyOf(subprotocols);
    }

    /** {@code endpoint} with no subprotocol, same-origin browsers only, and the default limits. */
    public static WebSocketRoute of(WebSocketEndpoint endpoint) {
        return new WebSocketRoute(endpoint, List.of(), OriginPolicy.sameOrigin(), WebSocketSettings.DEFAULTS);
    }

    /** This route speaking {@code values}. */
    public WebSocketRoute withSubprotocols(List<String> values) {
        return new WebSocketRoute(endpoint, values, origins, settings);
    }

    /** This route with origin policy {@code policy}. */
    public WebSocketRoute withOrigins(OriginPolicy policy) {
        return new WebSocketRoute(endpoint, subprotocols, policy, settings);
    }

    /** This route with limits {@code values}. */
    public WebSocketRoute withSettings(WebSocketSettings values) {
        return new WebSocketRoute(endpoint, subprotocols, origins, values);
    }

    /** Checks {@code request} against this route's subprotocols and origins. */
    public HandshakeResult handshake(UpgradeRequest request) {
        return WebSocketHandshake.evaluate(request, subprotocols, origins);
    }

    /** The handler that runs the session once the handshake accepted it, counting in {@code meters}. */
    public WebSocketHandler newHandler(HandshakeResult.Accepted accepted, WebSocketMeters meters) {
        return new WebSocketHandler(endpoint, settings, accepted.subprotocol(), meters);
    }
}
