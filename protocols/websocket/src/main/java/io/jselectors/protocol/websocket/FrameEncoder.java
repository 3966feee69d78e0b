package io.jselectors.protocol.websocket;

import io.jselectors.protocol.WebSocketCloseCodes;
import io.jselectors.protocol.WebSocketMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * Encodes server frames (RFC 6455 section 5.2): always final, never masked (section 5.1: a server
 * must not mask), lengths in their shortest form; the header itself is {@link
 * WebSocketMessage#writeHeader}'s, shared with messages framed once for many sessions. Stateless.
 */
public final class FrameEncoder {

    /** A close frame's reason fits in a control frame after the 2-byte code. */
    public static final int MAX_CLOSE_REASON_BYTES = FrameDecoder.MAX_CONTROL_PAYLOAD - 2;

    /** The longest server frame header: 2 bytes and a 64-bit length (a server does not mask). */
    static final int MAX_HEADER_BYTES = WebSocketMessage.maxHeaderBytes();

    private FrameEncoder() {}

    /** The header's size for a payload of {@code length} bytes. */
    static int headerSize(long length) {
        return WebSocketMessage.headerSize(length);
    }

    /** Writes a final, unmasked frame header for {@code opcode} and {@code length} payload bytes. */
    public static void writeHeader(ByteBuf out, int opcode, long length) {
        WebSocketMessage.writeHeader(out, opcode, length);
    }

    /**
     * Makes {@code payload} a whole frame in place: writes the header for its readable bytes into
     * the {@link #headerSize} bytes before its reader index and moves the reader index back to the
     * header, when there is that much room in front; the caller must own those bytes (nothing
     * else may read them).
     *
     * @return whether the header fit; if not, {@code payload} is unchanged
     */
    static boolean prependHeader(ByteBuf payload, int opcode) {
        int length = payload.readableBytes();
        int at = payload.readerIndex() - headerSize(length);
        if (at < 0) {
            return false;
        }
        if (length < 126) { // both header bytes in one store: one index check instead of two
            payload.setShort(at, (0x80 | opcode) << 8 | length);
            payload.readerIndex(at);
            return true;
        }
        payload.setByte(at, 0x80 | opcode);
        if (length <= 0xFFFF) {
            payload.setByte(at + 1, 126);
            payload.setShort(at + 2, length);
        } else {
            payload.setByte(at + 1, 127);
            payload.setLong(at + 2, length);
        }
        payload.readerIndex(at);
        return true;
    }

    /**
     * A whole frame for a small payload: header and a copy of {@code payload}'s readable bytes in
     * one new buffer (one buffer to queue and to write instead of two). Does not release {@code
     * payload}.
     */
    static ByteBuf copiedFrame(ByteBufAllocator alloc, int opcode, ByteBuf payload) {
        int length = payload.readableBytes();
        ByteBuf out = alloc.buffer(headerSize(length) + length);
        writeHeader(out, opcode, length);
        Copies.append(payload, payload.readerIndex(), length, out);
        return out;
    }

    /** A text frame for {@code text}, header and UTF-8 payload in one buffer. */
    public static ByteBuf text(ByteBufAllocator alloc, CharSequence text) {
        int length = ByteBufUtil.utf8Bytes(text);
        ByteBuf out = alloc.buffer(headerSize(length) + length);
        writeHeader(out, Opcodes.TEXT, length);
        ByteBufUtil.reserveAndWriteUtf8(out, text, length);
        return out;
    }

    /**
     * The header of a frame whose payload is {@code payload}'s readable bytes, to be written before
     * it (the payload is sent as it is, not copied).
     */
    public static ByteBuf header(ByteBufAllocator alloc, int opcode, ByteBuf payload) {
        ByteBuf out = alloc.buffer(MAX_HEADER_BYTES);
        writeHeader(out, opcode, payload.readableBytes());
        return out;
    }

    /** A control frame (ping or pong) carrying {@code payload}, at most 125 bytes. */
    public static ByteBuf control(ByteBufAllocator alloc, int opcode, byte[] payload, int length) {
        if (length > FrameDecoder.MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("control payload of " + length + " bytes; at most 125");
        }
        ByteBuf out = alloc.buffer(2 + length);
        writeHeader(out, opcode, length);
        out.writeBytes(payload, 0, length);
        return out;
    }

    /**
     * A close frame: empty for {@link WebSocketCloseCodes#NO_STATUS} (the peer sent no code, section 5.5.1),
     * else the code and {@code reason}, cut to {@value #MAX_CLOSE_REASON_BYTES} UTF-8 bytes at a
     * character boundary.
     */
    public static ByteBuf close(ByteBufAllocator alloc, int code, String reason) {
        if (code == WebSocketCloseCodes.NO_STATUS) {
            ByteBuf out = alloc.buffer(2);
            writeHeader(out, Opcodes.CLOSE, 0);
            return out;
        }
        byte[] reasonBytes = truncateUtf8(reason == null ? "" : reason);
        ByteBuf out = alloc.buffer(4 + reasonBytes.length);
        writeHeader(out, Opcodes.CLOSE, 2 + reasonBytes.length);
        out.writeShort(code);
        out.writeBytes(reasonBytes);
        return out;
    }

    private static byte[] truncateUtf8(String reason) {
        String cut = reason;
        byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
        while (bytes.length > MAX_CLOSE_REASON_BYTES) {
            int end = cut.length() - 1;
            if (end > 0 && Character.isLowSurrogate(cut.charAt(end))) {
                end--; // never split a surrogate pair
            }
            cut = cut.substring(0, end);
            bytes = cut.getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }
}
