package io.jselectors.protocol.websocket;

import io.jselectors.protocol.WebSocketCloseCodes;

/**
 * The peer broke RFC 6455; the session answers with a close frame carrying {@link #closeCode()}
 * and this exception's message as the reason, then closes the connection.
 */
public final class WebSocketProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int closeCode;

    /**
     * @param closeCode the close code to answer with, one of {@link WebSocketCloseCodes}
     * @param reason a short reason; it goes on the wire, so keep it under 123 UTF-8 bytes
     */
    public WebSocketProtocolException(int closeCode, String reason) {
        super(reason, null, false, false);
        this.closeCode = closeCode;
    }

    /** The close code the RFC names for this violation. */
    public int closeCode() {
        return closeCode;
    }
}
