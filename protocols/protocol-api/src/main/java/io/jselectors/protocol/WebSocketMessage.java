package io.jselectors.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One text message framed once, to be sent to many sessions: the server frame (RFC 6455 section
 * 5.2: final, unmasked, its length in the shortest form) and the payload in one buffer. Each
 * {@link WebSocketSession#send(WebSocketMessage)} queues a retained duplicate of that buffer, so a
 * line for a room of N members costs one buffer and one copy of the payload, not N.
 *
 * <p>The creator owns the message and {@link #release()}s it when it has sent it to everyone
 * (sessions keep their duplicates until the socket took them). Not thread-safe to create and
 * release concurrently; duplicates may be taken by sessions of one loop at a time (the usual
 * rule: use it on the loop that built it, or hand it over with its own reference).
 *
 * {@snippet :
 * WebSocketMessage line = WebSocketMessage.text(session.alloc(), utf8, utf8.readerIndex(), utf8.readableBytes());
 * try {
 *     members.forEach(member -> member.send(line));
 * } finally {
 *     line.release();
 * }
 * }
 */
public final class WebSocketMessage {

    /** The opcode of a text frame (RFC 6455 section 5.2). */
    private static final int TEXT = 0x1;
    /** The longest server frame header: 2 bytes and a 64-bit length (a server does not mask). */
    private static final int MAX_HEADER_BYTES = 10;

    private final ByteBuf frame;
    private final int payloadBytes;

    private WebSocketMessage(ByteBuf frame, int payloadBytes) {
        this.frame = frame;
        this.payloadBytes = payloadBytes;
    }

    /**
     * A text message of {@code length} bytes of {@code utf8} from {@code index}, copied once behind
     * its header. The bytes must be UTF-8, which is not checked (the caller built them; a peer
     * closes with 1007 if they are not). Does not release {@code utf8}.
     */
    public static WebSocketMessage text(ByteBufAllocator alloc, ByteBuf utf8, int index, int length) {
        ByteBuf frame = alloc.buffer(headerSize(length) + length);
        writeHeader(frame, TEXT, length);
        frame.writeBytes(utf8, index, length);
        return new WebSocketMessage(frame, length);
    }

    /** The header's size for a payload of {@code length} bytes. */
    public static int headerSize(long length) {
        return length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    }

    /**
     * Writes a final, unmasked server frame header for {@code opcode} and {@code length} payload
     * bytes: the one place the server's frame headers are encoded.
     */
    public static void writeHeader(ByteBuf out, int opcode, long length) {
        out.writeByte(0x80 | opcode);
        if (length < 126) {
            out.writeByte((int) length);
        } else if (length <= 0xFFFF) {
            out.writeByte(126);
            out.writeShort((int) length);
        } else {
            out.writeByte(127);
            out.writeLong(length);
        }
    }

    /** The longest header {@link #writeHeader} writes. */
    public static int maxHeaderBytes() {
        return MAX_HEADER_BYTES;
    }

    /** The whole frame's bytes for a session to queue: a retained duplicate, owned by the caller. */
    public ByteBuf retainedFrame() {
        return frame.retainedDuplicate();
    }

    /** The frame's size, header included. */
    public int frameBytes() {
        return frame.readableBytes();
    }

    /** The message's payload size. */
    public int payloadBytes() {
        return payloadBytes;
    }

    /** Gives up the creator's reference; duplicates already queued stay valid. */
    public void release() {
        frame.release();
    }
}
