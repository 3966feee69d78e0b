package io.jselectors.protocol.chat;

import io.jselectors.protocol.WebSocketMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One room line as it goes to the members of one loop: its CRLF-ended bytes for line members and,
 * framed on first use by a WebSocket member, one {@link WebSocketMessage} that every WebSocket
 * member of the loop queues a duplicate of (one frame per line per loop, not per member). Used on
 * one loop only; {@link #release()} at the end of that loop's pass over the room.
 */
final class FramedLine {

    private final ByteBuf line;
    private WebSocketMessage message;

    /** {@code line}: one room line ending in CRLF, borrowed (the caller keeps and releases it). */
    FramedLine(ByteBuf line) {
        this.line = line;
    }

    /**
     * The line as one text message without its CRLF, framed on the first call; null if the buffer
     * is not exactly one CRLF-ended line (the wire then frames it itself).
     */
    WebSocketMessage message(ByteBufAllocator alloc) {
        if (message == null) {
            int start = line.readerIndex();
            int end = line.writerIndex();
            int lf = line.indexOf(start, end, (byte) '\n');
            if (lf != end - 1 || lf == start || line.getByte(lf - 1) != '\r') {
                return null;
            }
            message = WebSocketMessage.text(alloc, line, start, end - start - 2);
        }
        return message;
    }

    /** Gives up the framed message, if one was made; members' queued duplicates stay valid. */
    void release() {
        if (message != null) {
            message.release();
            message = null;
        }
    }
}
