package io.jselectors.protocol.websocket;

import io.jselectors.protocol.WebSocketCloseCodes;
import io.netty.buffer.ByteBuf;

/**
 * Decodes RFC 6455 frames incrementally: feed it whatever bytes arrived, split anywhere, and it
 * tells a {@link Listener} about each frame's header, its payload in the chunks that arrived, and
 * its end. It reads every byte once, keeps no copy of the payload (chunks are ranges of the input,
 * unmasked in place), allocates nothing per frame, and never allocates for a length a header merely
 * announces: a frame claiming 2^63 - 1 bytes costs nothing until bytes arrive, and the listener can
 * refuse it at the header.
 *
 * <p>Checks the per-frame rules of section 5 for a server (section 5.1: client frames are masked),
 * with no extension negotiated: reserved bits clear, a defined opcode, control frames final and at
 * most {@value #MAX_CONTROL_PAYLOAD} bytes, a 64-bit length with its top bit clear, and lengths in
 * their shortest form. A violation throws {@link WebSocketProtocolException} (close code 1002); the
 * decoder then refuses all further input, as the connection is failing.
 *
 * <p>Not thread-safe; one per connection, used on its loop.
 */
public final class FrameDecoder {

    /** RFC 6455 section 5.5: control frames carry at most 125 payload bytes. */
    public static final int MAX_CONTROL_PAYLOAD = 125;

    private static final int LENGTH_16 = 126;
    private static final int LENGTH_64 = 127;
    /** A masked header with a 7-bit length after its first byte: the second byte and the 4-byte key. */
    private static final int SHORT_HEADER_REST = 5;

    /** Receives what the decoder finds, in wire order. */
    public interface Listener {

        /**
         * A frame header was read. The listener may refuse the frame (too long for its message
         * cap, out of place in the message sequence) by throwing.
         */
        void onFrameHeader(boolean fin, int opcode, long length) throws WebSocketProtocolException;

        /**
         * Unmasked payload bytes of the current frame: {@code length} bytes of {@code in} from
         * {@code index} (the decoder's input; its indexes are the decoder's, so read these bytes
         * by absolute index). Valid only during this call: copy what you keep.
         *
         * @param ascii true if the decoder saw, while unmasking them, that every one of these
         *     bytes is below 0x80; false when it does not know (unmasked frames are not looked at)
         */
        void onPayload(ByteBuf in, int index, int length, boolean ascii) throws WebSocketProtocolException;

        /**
         * The current frame's payload is complete (also right after the header for length 0). When
         * its payload ended the input, {@link #decode} returns after this call without touching
         * the input again, so the listener may take the input over (its owner permitting).
         */
        void onFrameEnd() throws WebSocketProtocolException;
    }

    private enum State { FIRST, SECOND, LENGTH, MASK, PAYLOAD, FAILED }

    private final boolean requireMask;
    private State state = State.FIRST;
    private boolean fin;
    private int opcode;
    private boolean masked;
    private int lengthBytesLeft;
    private int lengthBytes;
    private long length;
    private int maskBytesLeft;
    private int mask;
    private int maskOffset;
    private long payloadLeft;
    /** {@link #stop()} was called: the running {@link #decode} returns at once, leaving the rest unread. */
    private boolean stopped;

    /**
     * @param requireMask true on a server: unmasked client frames are a protocol error (section
     *     5.1); false to decode a server's frames, which must then be unmasked
     */
    public FrameDecoder(boolean requireMask) {
        this.requireMask = requireMask;
    }

    /**
     * Consumes all readable bytes of {@code in} (unmasking payload in place, so {@code in} must be
     * writable), telling {@code listener} about frames as they complete, unless the listener calls
     * {@link #stop()}: then it returns after that call, and what is still readable in {@code in}
     * is the caller's to keep and decode later. Does not release {@code in}.
     *
     * @throws WebSocketProtocolException on a framing violation, or when the listener refuses
     */
    public void decode(ByteBuf in, Listener listener) throws WebSocketProtocolException {
        if (state == State.FAILED) {
            throw new IllegalStateException("decoder failed earlier; the connection is closing");
        }
        stopped = false;
        try {
            while (!stopped && in.isReadable()) { // stopped first: a listener may own `in` now
                switch (state) {
                    case FIRST -> readHeader(in, listener);
                    case SECOND -> readSecond(in.readByte(), listener);
                    case LENGTH -> readLength(in, listener);
                    case MASK -> readMask(in, listener);
                    case PAYLOAD -> readPayload(in, listener);
                    case FAILED -> throw new IllegalStateException("unreachable");
                }
            }
        } catch (WebSocketProtocolException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /**
     * Makes the running {@link #decode} return as soon as the listener's current call returns (the
     * bytes after the frame just ended stay unread), without touching its input again. Called from
     * a listener; harmless otherwise.
     */
    public void stop() {
        stopped = true;
    }

    /**
     * A frame's first byte and, when the rest of a header with a 7-bit length has arrived (a
     * client's small frame, every message of the echo benchmarks), its second byte and masking key
     * too, in this one step instead of three turns of {@link #decode}'s loop.
     */
    private void readHeader(ByteBuf in, Listener listener) throws WebSocketProtocolException {
        readFirst(in.readByte());
        if (in.readableBytes() >= SHORT_HEADER_REST) {
            readSecond(in.readByte(), listener);
            if (state == State.MASK) {
                readMask(in, listener); // all four key bytes are there: read at once
            }
        }
    }

    private void readFirst(byte b) throws WebSocketProtocolException {
        fin = (b & 0x80) != 0;
        opcode = b & 0x0F;
        if ((b & 0x70) != 0) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.PROTOCOL_ERROR, "reserved bits set without an extension");
        }
        if (!Opcodes.isDefined(opcode)) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.PROTOCOL_ERROR, "reserved opcode " + opcode);
        }
        if (Opcodes.isControl(opcode) && !fin) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.PROTOCOL_ERROR, "fragmented control frame");
        }
        state = State.SECOND;
    }

    private void readSecond(byte b, Listener listener) throws WebSocketProtocolException {
        masked = (b & 0x80) != 0;
        if (masked != requireMask) {
            throw new WebSocketProtocolException(
                    WebSocketCloseCodes.PROTOCOL_ERROR, requireMask ? "client frame not masked" : "server frame masked");
        }
        int length7 = b & 0x7F;
        if (Opcodes.isControl(opcode) && length7 > MAX_CONTROL_PAYLOAD) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.PROTOCOL_ERROR, "control frame longer than 125 bytes");
        }
        length = 0;
        if (length7 == LENGTH_16 || length7 == LENGTH_64) {
            lengthBytes = length7 == LENGTH_16 ? 2 : 8;
            lengthBytesLeft = lengthBytes;
            state = State.LENGTH;
        } else {
            length = length7;
            lengthKnown(listener);
        }
    }

    /** The extended length: at once when all of it has arrived, else byte by byte. */
    private void readLength(ByteBuf in, Listener listener) throws WebSocketProtocolException {
        if (lengthBytesLeft == lengthBytes && in.readableBytes() >= lengthBytes) {
            length = lengthBytes == 2 ? in.readUnsignedShort() : in.readLong();
            lengthBytesLeft = 0;
        } else {
            length = (length << 8) | (in.readByte() & 0xFF);
            if (--lengthBytesLeft > 0) {
                return;
            }
        }
        if (length < 0) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.PROTOCOL_ERROR, "64-bit length with the top bit set");
        }
        long shortestFormLimit = lengthBytes == 2 ? LENGTH_16 : 0x1_0000L;
        if (length < shortestFormLimit) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.PROTOCOL_ERROR, "length not in its shortest form");
        }
        lengthKnown(listener);
    }

    private void lengthKnown(Listener listener) throws WebSocketProtocolException {
        if (masked) {
            maskBytesLeft = 4;
            mask = 0;
            state = State.MASK;
        } else {
            headerDone(listener);
        }
    }

    /** The masking key: at once when all of it has arrived, else byte by byte. */
    private void readMask(ByteBuf in, Listener listener) throws WebSocketProtocolException {
        if (maskBytesLeft == 4 && in.readableBytes() >= 4) {
            mask = in.readInt();
            maskBytesLeft = 0;
        } else {
            mask = (mask << 8) | (in.readByte() & 0xFF);
            --maskBytesLeft;
        }
        if (maskBytesLeft == 0) {
            headerDone(listener);
        }
    }

    private void headerDone(Listener listener) throws WebSocketProtocolException {
        maskOffset = 0;
        payloadLeft = length;
        listener.onFrameHeader(fin, opcode, length);
        if (length == 0) {
            state = State.FIRST;
            listener.onFrameEnd();
        } else {
            state = State.PAYLOAD;
        }
    }

    private void readPayload(ByteBuf in, Listener listener) throws WebSocketProtocolException {
        int n = (int) Math.min(in.readableBytes(), payloadLeft);
        int start = in.readerIndex();
        boolean ascii = false;
        if (masked) {
            // The key rotated so that its first byte is the one due at `start`.
            ascii = Masking.unmask(in, start, n, Integer.rotateLeft(mask, 8 * maskOffset));
            maskOffset = (maskOffset + n) & 3;
        }
        in.skipBytes(n);
        payloadLeft -= n;
        listener.onPayload(in, start, n, ascii);
        if (payloadLeft == 0) {
            state = State.FIRST;
            stopped |= !in.isReadable(); // the frame ended the input: not touched again after onFrameEnd
            listener.onFrameEnd();
        }
    }
}
