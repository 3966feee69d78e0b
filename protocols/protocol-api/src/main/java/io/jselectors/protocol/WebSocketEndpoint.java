package io.jselectors.protocol;

import io.netty.buffer.ByteBuf;

/**
 * What a plugin implements to serve WebSocket sessions. Every method runs on the connection's loop,
 * one call at a time per session, like {@link io.jselectors.protocol.ProtocolHandler}. Pings are
 * answered and close frames handled before the endpoint hears of them; it sees whole messages only
 * (fragments assembled, at most the session's message cap, text already checked as UTF-8).
 *
 * {@snippet :
 * WebSocketEndpoint echo = new WebSocketEndpoint() {
 *     @Override
 *     public void onText(WebSocketSession session, String text) {
 *         session.sendText(text);
 *     }
 * };
 * }
 */
public interface WebSocketEndpoint {

    /** The session is open (the handshake is done); a good place to greet or to register it. */
    default void onOpen(WebSocketSession session) {}

    /** A complete text message arrived. */
    default void onText(WebSocketSession session, String text) {}

    /**
     * A complete text message arrived, as its UTF-8 bytes (already checked to be valid). The
     * default decodes them and calls {@link #onText(WebSocketSession, String)}. An endpoint that
     * passes text on as it came (an echo, a relay) overrides this and hands the bytes to {@link
     * WebSocketSession#sendText(ByteBuf)}, saving the decode and the encode; the endpoint owns
     * {@code utf8} and must release it (a send takes it over).
     */
    default void onTextBytes(WebSocketSession session, ByteBuf utf8) {
        String text;
        try {
            text = utf8.toString(java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            utf8.release();
        }
        onText(session, text);
    }

    /** A complete binary message arrived; the endpoint owns {@code data} and must release it. */
    default void onBinary(WebSocketSession session, ByteBuf data) {
        data.release();
    }

    /**
     * The session's outbound queue crossed a water mark ({@link WebSocketSession#isWritable()}).
     * An endpoint that produces output from input stops while not writable; the session stops
     * reading meanwhile, so a peer that does not read cannot grow the server's memory.
     */
    default void onWritabilityChanged(WebSocketSession session, boolean writable) {}

    /**
     * The session ended; the last call. {@code code} is the peer's close code ({@link
     * WebSocketCloseCodes#NO_STATUS} if its close frame had none), the code we closed with, or {@link
     * WebSocketCloseCodes#ABNORMAL} if the connection dropped without a close handshake.
     */
    default void onClose(WebSocketSession session, int code, String reason) {}
}
