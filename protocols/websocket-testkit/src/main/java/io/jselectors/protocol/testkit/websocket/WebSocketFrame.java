package io.jselectors.protocol.testkit.websocket;

import io.jselectors.protocol.WebSocketCloseCodes;
import io.jselectors.protocol.websocket.Opcodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One frame the server sent, as the peer read it off the wire (RFC 6455 section 5.2).
 *
 * @param fin whether this is the last frame of its message
 * @param opcode the frame's opcode, one of {@link Opcodes}
 * @param payload the payload bytes (a server's frames are never masked)
 */
public record WebSocketFrame(boolean fin, int opcode, byte[] payload) {

    /** Copies {@code payload}. */
    public WebSocketFrame {
        payload = payload.clone();
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload decoded as UTF-8 (for text frames and pongs). */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /**
     * The close code of a close frame: {@link WebSocketCloseCodes#NO_STATUS} if the frame has no
     * payload.
     *
     * @throws IllegalStateException if this is not a close frame
     */
    public int closeCode() {
        requireClose();
        return payload.length < 2 ? WebSocketCloseCodes.NO_STATUS : ByteBuffer.wrap(payload).getShort() & 0xFFFF;
    }

    /** The reason of a close frame (empty if none). */
    public String closeReason() {
        requireClose();
        return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    private void requireClose() {
        if (opcode != Opcodes.CLOSE) {
            throw new IllegalStateException("not a close frame: " + this);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebSocketFrame f && f.fin == fin && f.opcode == opcode && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Boolean.hashCode(fin) + opcode) + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        String shown = opcode == Opcodes.TEXT || opcode == Opcodes.PONG || opcode == Opcodes.PING ? "\"" + text() + "\"" : payload.length + " bytes";
        return "WebSocketFrame[" + (fin ? "fin " : "") + "opcode=" + opcode + ", " + shown + "]";
    }
}
