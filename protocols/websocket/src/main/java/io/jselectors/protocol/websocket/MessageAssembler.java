package io.jselectors.protocol.websocket;

import io.jselectors.protocol.WebSocketCloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns the decoder's frames into messages and control events, enforcing the rules that span
 * frames (RFC 6455 sections 5.4, 5.5.1, 7.4 and 8.1): continuation frames only inside a fragmented
 * message and a new message only after the previous one ended (else 1002); at most {@code
 * maxMessageBytes} per message, checked at each frame header before a byte is stored (else 1009);
 * text messages valid UTF-8, checked as each chunk arrives (else 1007; a chunk the decoder saw to
 * be ASCII while unmasking it is not read again); close frames either empty
 * or with a valid code (a 1-byte body or a code not allowed on the wire is 1002) and a UTF-8 reason
 * (else 1007). Control frames may arrive between the fragments of a message.
 *
 * <p>Memory: the message buffer grows with the bytes that arrived, never with an announced length.
 * It starts {@value #HEADROOM} bytes in (its reader index), so that a reply made of the message
 * itself (an echo) can get its frame header written in front of it instead of in a buffer of its
 * own ({@link FrameEncoder#prependHeader}).
 *
 * <p>In place: when the caller lends the decoder's input ({@link #lend}) and a message is one final
 * frame whose payload ends that input (one message per read, the common case), the message is the
 * input itself, its indexes set around the payload: no buffer, no copy. Its frame header and mask
 * (at least 6 bytes) lie in front of it, more than a server frame's header needs, so an echo of it
 * is still one buffer. The input is taken only while it is at most {@link #IN_PLACE_MAX_CAPACITY}
 * bytes or twice the message, so a message an endpoint keeps never holds much more memory than its
 * own bytes.
 * Not thread-safe; one per connection.
 */
final class MessageAssembler implements FrameDecoder.Listener {

    /** What a complete message or control frame becomes. */
    interface Sink {
        /** A whole text message, valid UTF-8; takes ownership of {@code utf8}. */
        void onText(ByteBuf utf8);

        /** Takes ownership of {@code data}. */
        void onBinary(ByteBuf data);

        void onPing(byte[] payload, int length);

        void onPong(byte[] payload, int length);

        /** The peer's close: {@link WebSocketCloseCodes#NO_STATUS} if it sent no code. */
        void onClose(int code, String reason);
    }

    /** The first allocation for a message buffer; it grows from here as bytes arrive. */
    private static final int INITIAL_MESSAGE_CAPACITY = 256;

    /** Room before a message's bytes for the largest server frame header. */
    static final int HEADROOM = FrameEncoder.MAX_HEADER_BYTES;

    /**
     * The largest input a message is delivered in (or twice the message, if more): 4 KiB, eight
     * times the connection's smallest read buffer, so a small message read on its own stays in
     * place while a small message at the end of a large read (64 KiB) is copied out of it.
     */
    static final int IN_PLACE_MAX_CAPACITY = 4096;

    private final ByteBufAllocator alloc;
    private final int maxMessageBytes;
    private final Sink sink;
    private final Utf8Validator utf8 = new Utf8Validator();
    /**
     * The validator has seen a chunk of the current text message (one that was not all ASCII, or
     * came after one that was not): only then is it reset or asked. An ASCII message (every echo of
     * the benchmarks) leaves it untouched, one object fewer read per message.
     */
    private boolean utf8Used;
    private final byte[] control = new byte[FrameDecoder.MAX_CONTROL_PAYLOAD];

    private int frameOpcode;
    private boolean frameFin;
    private int controlLength;
    /** TEXT or BINARY while a message is being assembled, else 0. */
    private int messageOpcode;
    private ByteBuf message;
    /** The decoder's input, if its owner lends it ({@link #lend}); null otherwise. */
    private ByteBuf lent;
    /** The current frame is the whole message and the rest of {@link #lent}: it is delivered in place. */
    private boolean inPlace;
    /** Where the in-place message's payload starts in {@link #lent}. */
    private int inPlaceIndex;
    /** {@link #lent} became a message: its owner no longer owns it. */
    private boolean taken;

    MessageAssembler(ByteBufAllocator alloc, int maxMessageBytes, Sink sink) {
        this.alloc = alloc;
        this.maxMessageBytes = maxMessageBytes;
        this.sink = sink;
    }

    @Override
    public void onFrameHeader(boolean fin, int opcode, long length) throws WebSocketProtocolException {
        frameOpcode = opcode;
        frameFin = fin;
        if (Opcodes.isControl(opcode)) {
            controlLength = 0;
            return;
        }
        if (opcode == Opcodes.CONTINUATION) {
            if (messageOpcode == 0) {
                throw new WebSocketProtocolException(WebSocketCloseCodes.PROTOCOL_ERROR, "continuation frame without a message");
            }
        } else if (messageOpcode != 0) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.PROTOCOL_ERROR, "new message inside a fragmented one");
        } else {
            messageOpcode = opcode;
            if (utf8Used) {
                utf8Used = false;
                utf8.reset();
            }
        }
        long stored = message == null ? 0 : message.readableBytes();
        if (length > maxMessageBytes - stored) {
            throw new WebSocketProtocolException(
                    WebSocketCloseCodes.MESSAGE_TOO_BIG, "message over " + maxMessageBytes + " bytes");
        }
        inPlace = fin && message == null && length > 0 && lent != null && length == lent.readableBytes()
                && lent.capacity() <= Math.max(IN_PLACE_MAX_CAPACITY, 2 * length);
        if (message == null && length > 0 && !inPlace) {
            message = newMessage((int) Math.min(length, INITIAL_MESSAGE_CAPACITY));
        }
    }

    /**
     * Lets a message be delivered in {@code in}, the input the decoder is about to read, which the
     * caller owns: if one is, {@link #tookInput()} says so after the decode, and the caller then
     * neither releases {@code in} nor reads it again. {@code null}: copy every message.
     */
    void lend(ByteBuf in) {
        lent = in;
        taken = false;
    }

    /** Whether the input lent last became a message (the endpoint owns it now). */
    boolean tookInput() {
        return taken;
    }

    private ByteBuf newMessage(int initialBytes) {
        ByteBuf buf = alloc.buffer(HEADROOM + initialBytes, HEADROOM + maxMessageBytes);
        return buf.setIndex(HEADROOM, HEADROOM);
    }

    @Override
    public void onPayload(ByteBuf in, int index, int length, boolean ascii) throws WebSocketProtocolException {
        if (Opcodes.isControl(frameOpcode)) {
            in.getBytes(index, control, controlLength, length);
            controlLength += length;
            return;
        }
        // ASCII after a sequence boundary leaves the validator where it was: nothing to check.
        if (messageOpcode == Opcodes.TEXT && !(ascii && utf8Complete()) && !checkUtf8(in, index, length)) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
        }
        if (inPlace) {
            inPlaceIndex = index; // the whole payload, in one chunk: it had all arrived at the header
        } else {
            Copies.append(in, index, length, message);
        }
    }


    /** Whether the text so far ends on a sequence boundary (an unused validator has seen only ASCII). */
    private boolean utf8Complete() {
        return !utf8Used || utf8.isComplete();
    }

    private boolean checkUtf8(ByteBuf in, int index, int length) {
        utf8Used = true;
        return utf8.update(in, index, length);
    }

    @Override
    public void onFrameEnd() throws WebSocketProtocolException {
        switch (frameOpcode) {
            case Opcodes.PING -> sink.onPing(control, controlLength);
            case Opcodes.PONG -> sink.onPong(control, controlLength);
            case Opcodes.CLOSE -> closeFrame();
            default -> {
                if (frameFin) {
                    messageDone();
                }
            }
        }
    }

    private void messageDone() throws WebSocketProtocolException {
        ByteBuf data;
        if (inPlace) {
            inPlace = false;
            data = lent.setIndex(inPlaceIndex, lent.writerIndex()); // the payload ended the input
            lent = null;
            taken = true;
        } else {
            data = message != null ? message : newMessage(0);
        }
        message = null;
        int opcode = messageOpcode;
        messageOpcode = 0;
        if (opcode == Opcodes.BINARY) {
            sink.onBinary(data);
            return;
        }
        if (!utf8Complete()) {
            data.release();
            throw new WebSocketProtocolException(WebSocketCloseCodes.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        }
        sink.onText(data);
    }

    private void closeFrame() throws WebSocketProtocolException {
        if (controlLength == 0) {
            sink.onClose(WebSocketCloseCodes.NO_STATUS, "");
            return;
        }
        if (controlLength == 1) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.PROTOCOL_ERROR, "close frame with a 1-byte body");
        }
        int code = ((control[0] & 0xFF) << 8) | (control[1] & 0xFF);
        if (!WebSocketCloseCodes.isValidOnWire(code)) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.PROTOCOL_ERROR, "close code " + code + " not allowed on the wire");
        }
        String reason = Utf8.decodeStrict(control, 2, controlLength - 2);
        if (reason == null) {
            throw new WebSocketProtocolException(WebSocketCloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in the close reason");
        }
        sink.onClose(code, reason);
    }

    /** Whether a data message has begun (a frame header of it arrived) and not yet ended. */
    boolean assembling() {
        return messageOpcode != 0;
    }

    /** Releases a partly assembled message; call when the connection ends. */
    void release() {
        if (message != null) {
            message.release();
            message = null;
        }
    }
}
