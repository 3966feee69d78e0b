package io.jselectors.protocol;

/**
 * Close status codes (RFC 6455 section 7.4 and the IANA "WebSocket Close Code Number" registry),
 * and which of them a peer may put on the wire.
 */
public final class WebSocketCloseCodes {

    /** The purpose of the connection is fulfilled. */
    public static final int NORMAL = 1000;
    /** The endpoint is going away (server shutdown, a peer that stopped answering pings). */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the framing rules. */
    public static final int PROTOCOL_ERROR = 1002;
    /** A data type the endpoint cannot accept. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** No status code was in the close frame; never sent on the wire. */
    public static final int NO_STATUS = 1005;
    /** The connection dropped without a close frame; never sent on the wire. */
    public static final int ABNORMAL = 1006;
    /** Data inconsistent with the message type, such as invalid UTF-8 in a text message. */
    public static final int INVALID_PAYLOAD = 1007;
    /** A message that violates the endpoint's policy. */
    public static final int POLICY_VIOLATION = 1008;
    /** A message larger than the endpoint accepts. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** A client-only code: the server did not negotiate an extension the client needs. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** The server hit an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;

    private WebSocketCloseCodes() {}

    /**
     * Whether a peer may send {@code code} in a close frame: the codes RFC 6455 and the IANA
     * registry assign for use on the wire (1000-1003, 1007-1014), and the ranges left to libraries
     * and applications (3000-4999). 1004 is reserved, 1005, 1006 and 1015 must never be sent, and
     * everything else below 3000 is unassigned, so receiving them is a protocol error.
     */
    public static boolean isValidOnWire(int code) {
        return (code >= NORMAL && code <= UNSUPPORTED_DATA)
                || (code >= INVALID_PAYLOAD && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }
}
