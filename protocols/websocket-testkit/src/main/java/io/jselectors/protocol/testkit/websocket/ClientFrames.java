package io.jselectors.protocol.testkit.websocket;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The client side of RFC 6455 framing, written apart from the server's codec so a test checks the
 * server against a second reading of the RFC: frames out are masked (section 5.3), frames in must
 * not be (section 5.1). Reads keep the bytes of a frame not yet complete for the next call.
 */
final class ClientFrames {

    /** A payload up to this length fits the 7-bit length field. */
    private static final int SHORT_LENGTH = 125;

    /** Up to this length the 16-bit extended length is used; above, the 64-bit one. */
    private static final int MEDIUM_LENGTH = 0xFFFF;

    /** Masks are drawn from a seeded generator: a failing test runs the same way again. */
    private final Random masks = new Random(6455);
    private byte[] pending = new byte[0];

    /** One masked frame with {@code payload}. */
    byte[] encode(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0x80 : 0) | opcode);
        if (payload.length <= SHORT_LENGTH) {
            out.write(0x80 | payload.length);
        } else if (payload.length <= MEDIUM_LENGTH) {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        masks.nextBytes(mask);
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    /**
     * The whole frames in what was read so far plus {@code bytes}.
     *
     * @throws IllegalStateException if the server broke a framing rule a client checks (a masked
     *     frame, reserved bits set, a length over 2^31 - 1)
     */
    List<WebSocketFrame> decode(byte[] bytes) {
        byte[] in = concat(pending, bytes);
        List<WebSocketFrame> frames = new ArrayList<>();
        int at = 0;
        while (true) {
            if (in.length - at < 2) {
                break;
            }
            int first = in[at] & 0xFF;
            int second = in[at + 1] & 0xFF;
            if ((first & 0x70) != 0) {
                throw new IllegalStateException("server frame with reserved bits set: 0x" + Integer.toHexString(first));
            }
            if ((second & 0x80) != 0) {
                throw new IllegalStateException("server frame is masked (RFC 6455 section 5.1 forbids it)");
            }
            int length7 = second & 0x7F;
            int header = length7 == 126 ? 4 : length7 == 127 ? 10 : 2;
            if (in.length - at < header) {
                break;
            }
            long length = length7;
            if (length7 >= 126) {
                length = 0;
                for (int i = 2; i < header; i++) {
                    length = (length << 8) | (in[at + i] & 0xFF);
                }
            }
            if (length > Integer.MAX_VALUE - header) {
                throw new IllegalStateException("server frame of " + Long.toUnsignedString(length) + " bytes: more than a test reads");
            }
            if (in.length - at < header + length) {
                break;
            }
            byte[] payload = Arrays.copyOfRange(in, at + header, at + header + (int) length);
            frames.add(new WebSocketFrame((first & 0x80) != 0, first & 0x0F, payload));
            at += header + (int) length;
        }
        pending = Arrays.copyOfRange(in, at, in.length);
        return frames;
    }

    /** Bytes of a frame the server has not finished sending. */
    int pendingBytes() {
        return pending.length;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
