/**
 * WebSocket (RFC 6455) for the server's plugins: an incremental {@link
 * io.jselectors.protocol.websocket.FrameDecoder} and a {@link
 * io.jselectors.protocol.websocket.FrameEncoder}, message assembly with a size cap, the strict
 * framing rules of the RFC (a violation closes with the code the RFC names), the opening handshake
 * ({@link io.jselectors.protocol.websocket.WebSocketHandshake}), and the session API a plugin
 * implements ({@link io.jselectors.protocol.websocket.WebSocketEndpoint}, {@link
 * io.jselectors.protocol.websocket.WebSocketSession}) run by {@link
 * io.jselectors.protocol.websocket.WebSocketHandler}.
 *
 * <p>This module does not yet register endpoints on the http listener: the HTTP side hands a
 * connection over with {@code Connection.switchHandler} once that exists on main.
 */
package io.jselectors.protocol.websocket;
