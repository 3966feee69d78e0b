/**
 * Tests a plugin's {@link io.jselectors.protocol.WebSocketEndpoint} without sockets: {@link
 * io.jselectors.protocol.testkit.websocket.WebSocketTester} runs it under the server's own
 * WebSocket handler on the testkit's in-memory connection, and a {@link
 * io.jselectors.protocol.testkit.websocket.WebSocketPeer} plays the browser: it sends masked
 * frames and reads what the server sent, frame by frame.
 */
package io.jselectors.protocol.testkit.websocket;
