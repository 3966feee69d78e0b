package io.jselectors.protocol.websocket;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test side of the wire, written from RFC 6455 section 5.2 independently of the production codec:
 * builds client frames (masked, or not, with any header bits) and parses what a server sent.
 */
final class ClientFrames {

    /** A fixed, asymmetric key, so a wrong phase after a split shows. */
    static final byte[] MASK = {(byte) 0x37, (byte) 0xFA, (byte) 0x21, (byte) 0x3D};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A frame as the server sent it. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** A close frame's code, or -1 for an empty close body. */
        int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && f.fin == fin && f.opcode == opcode && Arrays.equals(f.payload, payload);
        }

        @Override
        public int hashCode() {
            return opcode * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Frame[fin=" + fin + ", opcode=" + opcode + ", " + payload.length + " bytes " + Arrays.toString(
                    Arrays.copyOf(payload, Math.min(16, payload.length))) + "]";
        }
    }

    static ClientFrames frames() {
        return new ClientFrames();
    }

    /** Any first byte (FIN, RSV and opcode as given), a masked length and payload. */
    ClientFrames raw(int firstByte, byte[] payload, boolean masked) {
        out.write(firstByte);
        int maskBit = masked ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            out.write(maskBit | n);
        } else if (n <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >>> shift));
            }
        }
        if (masked) {
            out.writeBytes(MASK);
            for (int i = 0; i < n; i++) {
                out.write(payload[i] ^ MASK[i & 3]);
            }
        } else {
            out.writeBytes(payload);
        }
        return this;
    }

    ClientFrames frame(boolean fin, int opcode, byte[] payload) {
        return raw((fin ? 0x80 : 0) | opcode, payload, true);
    }

    ClientFrames text(String text) {
        return frame(true, Opcodes.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    ClientFrames binary(byte[] data) {
        return frame(true, Opcodes.BINARY, data);
    }

    ClientFrames ping(byte[] payload) {
        return frame(true, Opcodes.PING, payload);
    }

    ClientFrames close(int code, byte[] reason) {
        byte[] body = new byte[2 + reason.length];
        body[0] = (byte) (code >>> 8);
        body[1] = (byte) code;
        System.arraycopy(reason, 0, body, 2, reason.length);
        return frame(true, Opcodes.CLOSE, body);
    }

    ClientFrames close(int code, String reason) {
        return close(code, reason.getBytes(StandardCharsets.UTF_8));
    }

    /** Bytes as they are, for hand-made headers. */
    ClientFrames bytes(int... values) {
        for (int value : values) {
            out.write(value);
        }
        return this;
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    /** Parses unmasked server frames; fails on a truncated or masked frame. */
    static List<Frame> parse(byte[] wire) {
        List<Frame> frames = new ArrayList<>();
        int i = 0;
        while (i < wire.length) {
            int b0 = wire[i++] & 0xFF;
            int b1 = wire[i++] & 0xFF;
            if ((b1 & 0x80) != 0) {
                throw new AssertionError("server frame is masked");
            }
            long n = b1 & 0x7F;
            int extra = n == 126 ? 2 : n == 127 ? 8 : 0;
            if (extra > 0) {
                n = 0;
                for (int k = 0; k < extra; k++) {
                    n = (n << 8) | (wire[i++] & 0xFF);
                }
            }
            if (i + n > wire.length) {
                throw new AssertionError("truncated server frame");
            }
            frames.add(new Frame((b0 & 0x80) != 0, b0 & 0x0F, Arrays.copyOfRange(wire, i, (int) (i + n))));
            i += (int) n;
        }
        return frames;
    }
}
