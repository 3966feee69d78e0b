package io.jselectors.protocol.websocket;

/**
 * The frame opcodes RFC 6455 section 5.2 defines. Values 3-7 and 11-15 are reserved for extensions;
 * we negotiate none, so a frame carrying one is a protocol error.
 */
public final class Opcodes {

    /** Continues a fragmented message. */
    public static final int CONTINUATION = 0x0;
    /** First frame of a text message (UTF-8). */
    public static final int TEXT = 0x1;
    /** First frame of a binary message. */
    public static final int BINARY = 0x2;
    /** Starts or answers the closing handshake. */
    public static final int CLOSE = 0x8;
    /** Asks the peer for a pong. */
    public static final int PING = 0x9;
    /** Answers a ping, or an unsolicited heartbeat. */
    public static final int PONG = 0xA;

    private Opcodes() {}

    /** Whether {@code opcode} is a control frame's (close, ping, pong and the reserved 11-15). */
    public static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    /** Whether the RFC defines {@code opcode} (everything else is reserved for extensions). */
    public static boolean isDefined(int opcode) {
        return opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG);
    }
}
