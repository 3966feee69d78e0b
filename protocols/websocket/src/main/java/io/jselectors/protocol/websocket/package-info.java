/**
 * WebSocket (RFC 6455): an incremental {@link io.jselectors.protocol.websocket.FrameDecoder} and a
 * {@link io.jselectors.protocol.websocket.FrameEncoder}, message assembly with a size cap, the
 * strict framing rules of the RFC (a violation closes with the code the RFC names), the opening
 * handshake ({@link io.jselectors.protocol.websocket.WebSocketHandshake}), and {@link
 * io.jselectors.protocol.websocket.WebSocketHandler}, which runs a plugin's {@link
 * io.jselectors.protocol.WebSocketEndpoint} (the API plugins compile against lives in
 * protocol-api). The http listener serves a {@link io.jselectors.protocol.websocket.WebSocketRoute}
 * on a path and switches the connection to its handler after answering 101.
 */
package io.jselectors.protocol.websocket;
