package io.jselectors.protocol.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    /** Records headers and collects payload bytes. */
    private static final class Recorder implements FrameDecoder.Listener {
        final List<String> headers = new ArrayList<>();
        final ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int chunks;
        int ends;

        @Override
        public void onFrameHeader(boolean fin, int opcode, long length) {
            headers.add(fin + "/" + opcode + "/" + length);
        }

        @Override
        public void onPayload(ByteBuf in, int index, int length, boolean ascii) {
            chunks++;
            byte[] bytes = new byte[length];
            in.getBytes(index, bytes);
            payload.writeBytes(bytes);
        }

        @Override
        public void onFrameEnd() {
            ends++;
        }
    }

    @Test
    void unmasksCorrectlyWhereverReadsSplitThePayload() throws Exception {
        Random random = new Random(6455);
        for (int round = 0; round < 2_000; round++) {
            byte[] data = new byte[random.nextInt(300)];
            random.nextBytes(data);
            byte[] wire = ClientFrames.frames().binary(data).toBytes();
            FrameDecoder decoder = new FrameDecoder(true);
            Recorder recorder = new Recorder();
            int at = 0;
            while (at < wire.length) {
                int n = Math.min(wire.length - at, 1 + random.nextInt(20));
                ByteBuf chunk = Unpooled.copiedBuffer(wire, at, n);
                decoder.decode(chunk, recorder);
                assertThat(chunk.isReadable()).as("all input consumed").isFalse();
                chunk.release();
                at += n;
            }
            assertThat(recorder.headers).containsExactly("true/2/" + data.length);
            assertThat(recorder.payload.toByteArray()).isEqualTo(data);
            assertThat(recorder.ends).isEqualTo(1);
        }
    }

    @Test
    void announcedLengthCostsNothingUntilBytesArrive() throws Exception {
        // A frame claiming 2^63 - 1 bytes, followed by 5 real ones: the listener sees the claim and
        // exactly the 5 bytes, as a slice of the input (no buffer sized by the claim).
        byte[] wire = ClientFrames.frames()
                .bytes(0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 1, 2, 3, 4, 5)
                .toBytes();
        FrameDecoder decoder = new FrameDecoder(true);
        Recorder recorder = new Recorder();
        decoder.decode(Unpooled.wrappedBuffer(wire), recorder);
        assertThat(recorder.headers).containsExactly("true/2/" + Long.MAX_VALUE);
        assertThat(recorder.payload.toByteArray()).containsExactly(1, 2, 3, 4, 5);
        assertThat(recorder.ends).isZero();
    }

    @Test
    void refusesEverythingAfterAViolation() throws Exception {
        FrameDecoder decoder = new FrameDecoder(true);
        assertThatThrownBy(() -> decoder.decode(Unpooled.wrappedBuffer(new byte[] {(byte) 0xF1}), new Recorder()))
                .isInstanceOfSatisfying(WebSocketProtocolException.class, e -> assertThat(e.closeCode()).isEqualTo(1002))
                .hasMessage("reserved bits set without an extension");
        assertThatThrownBy(() -> decoder.decode(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81}), new Recorder()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void clientSideDecoderRefusesMaskedServerFrames() {
        FrameDecoder decoder = new FrameDecoder(false);
        byte[] masked = ClientFrames.frames().text("x").toBytes();
        assertThatThrownBy(() -> decoder.decode(Unpooled.wrappedBuffer(masked), new Recorder()))
                .hasMessage("server frame masked");
    }

    @Test
    void encoderOutputDecodesBackForEveryLengthForm() throws Exception {
        for (int length : new int[] {0, 125, 126, 65_535, 65_536}) {
            ByteBuf payload = Unpooled.buffer(length).writeZero(length);
            ByteBuf header = FrameEncoder.header(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, Opcodes.BINARY, payload);
            assertThat(header.readableBytes()).isEqualTo(FrameEncoder.headerSize(length));
            Recorder recorder = new Recorder();
            ByteBuf frame = Unpooled.wrappedBuffer(header, payload);
            try {
                new FrameDecoder(false).decode(frame, recorder);
            } finally {
                frame.release(); // releases header and payload with it
            }
            assertThat(recorder.headers).containsExactly("true/2/" + length);
            assertThat(recorder.payload.size()).isEqualTo(length);
        }
    }

    @Test
    void closeReasonIsCutAtACharacterBoundary() throws Exception {
        ByteBuf frame = FrameEncoder.close(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, 1000, "é".repeat(100));
        Recorder recorder = new Recorder();
        new FrameDecoder(false).decode(frame, recorder);
        // 2 bytes of code + 61 two-byte characters = 124; a 62nd would pass 125
        assertThat(recorder.headers).containsExactly("true/8/124");
        assertThat(Utf8.decodeStrict(recorder.payload.toByteArray(), 2, 122)).isEqualTo("é".repeat(61));
        frame.release();
    }
}
