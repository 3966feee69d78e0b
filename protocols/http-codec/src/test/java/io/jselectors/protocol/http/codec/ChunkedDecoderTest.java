package io.jselectors.protocol.http.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The chunked body decoder: every split, every way a body can be wrong, and what it leaves alone. */
class ChunkedDecoderTest {

    private static final String BODY = "5;ext=1\r\nHello\r\n8\r\n, World!\r\n0\r\nX-Trailer: t\r\n\r\n";

    private static ChunkedDecoder decoder() {
        return new ChunkedDecoder(1024, 64, 256, 4);
    }

    /** Feeds {@code text} cut at {@code at} into one accumulating buffer; returns the last result. */
    private static int decode(ChunkedDecoder decoder, String text, int at, ByteArrayOutputStream out, ByteBuf in) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        int result = ChunkedDecoder.NEED_MORE;
        for (int[] piece : new int[][] {{0, at}, {at, bytes.length}}) {
            in.writeBytes(bytes, piece[0], piece[1] - piece[0]);
            while (true) {
                result = decoder.next(in);
                if (result <= 0) {
                    break;
                }
                byte[] data = new byte[result];
                in.readBytes(data);
                out.writeBytes(data);
            }
            if (result != ChunkedDecoder.NEED_MORE) {
                return result;
            }
        }
        return result;
    }

    private static int decode(String text) {
        return decode(decoder(), text, text.length(), new ByteArrayOutputStream(), Unpooled.buffer());
    }

    @Test
    void anySplitGivesTheSameBodyAndLeavesTheNextMessageAlone() {
        String next = "GET / HTTP/1.1\r\n";
        for (int at = 0; at < BODY.length(); at++) { // the second piece ends the body and starts the next message
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuf in = Unpooled.buffer();
            ChunkedDecoder decoder = decoder();
            assertThat(decode(decoder, BODY + next, at, out, in)).as("split at %d", at).isEqualTo(ChunkedDecoder.DONE);
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("Hello, World!");
            assertThat(decoder.bodyBytes()).isEqualTo(13);
            assertThat(in.toString(StandardCharsets.US_ASCII)).isEqualTo(next);
            assertThat(decoder.next(in)).as("done until reset").isEqualTo(ChunkedDecoder.DONE);
        }
    }

    @Test
    void oneByteAtATime() {
        ChunkedDecoder decoder = decoder();
        ByteBuf in = Unpooled.buffer();
        StringBuilder body = new StringBuilder();
        int result = ChunkedDecoder.NEED_MORE;
        for (byte b : BODY.getBytes(StandardCharsets.US_ASCII)) {
            assertThat(result).isEqualTo(ChunkedDecoder.NEED_MORE);
            in.writeByte(b);
            while ((result = decoder.next(in)) > 0) {
                body.append(in.readCharSequence(result, StandardCharsets.US_ASCII));
            }
        }
        assertThat(result).isEqualTo(ChunkedDecoder.DONE);
        assertThat(body).hasToString("Hello, World!");
    }

    @Test
    void resetReadiesTheNextBody() {
        ChunkedDecoder decoder = decoder();
        assertThat(decode(decoder, "zz\r\n", 4, new ByteArrayOutputStream(), Unpooled.buffer())).isEqualTo(ChunkedDecoder.MALFORMED);
        decoder.reset();
        assertThat(decoder.error()).isNull();
        assertThat(decode(decoder, "0\r\n\r\n", 1, new ByteArrayOutputStream(), Unpooled.buffer())).isEqualTo(ChunkedDecoder.DONE);
    }

    @Test
    void malformedFraming() {
        String[] bad = {
            "zz\r\n", "\r\n", "-1\r\n", " 5\r\nHello\r\n0\r\n\r\n", "5\nHello\r\n0\r\n\r\n", "5 x\r\n",
            "5;\u0001\r\n", "5\r\nHelloX\r\n", "5\r\nHello\n0\r\n\r\n", "0\r\nBad Trailer: x\r\n\r\n",
            "0\r\nX: a\rb\r\n\r\n", "0\r\nX: a\n\r\n", "1" + "0".repeat(16) + "\r\n"
        };
        ChunkedDecoder unlimited = new ChunkedDecoder(Long.MAX_VALUE, 64, 256, 4);
        for (String text : bad) {
            ChunkedDecoder decoder = text.startsWith("1000") ? unlimited : decoder();
            assertThat(decode(decoder, text, text.length(), new ByteArrayOutputStream(), Unpooled.buffer()))
                    .as(text).isEqualTo(ChunkedDecoder.MALFORMED);
            assertThat(decoder.error()).as(text).isNotBlank();
            unlimited.reset();
        }
        ChunkedDecoder decoder = decoder();
        decode(decoder, "2\r\nokX", 6, new ByteArrayOutputStream(), Unpooled.buffer());
        assertThat(decoder.error()).isEqualTo("chunk data is not followed by CRLF");
    }

    @Test
    void limitsAreErrorsOfTheirOwn() {
        assertThat(decode("401\r\n")).as("over the body limit at the size line").isEqualTo(ChunkedDecoder.TOO_LARGE);
        assertThat(decode("200\r\n" + "a".repeat(512) + "\r\n201\r\n")).as("sizes add up").isEqualTo(ChunkedDecoder.TOO_LARGE);
        assertThat(decode("1;" + "e".repeat(70) + "\r\n")).as("long size line").isEqualTo(ChunkedDecoder.MALFORMED);
        assertThat(decode("1;" + "e".repeat(70))).as("long partial size line").isEqualTo(ChunkedDecoder.MALFORMED);
        assertThat(decode("0\r\n" + "A: b\r\n".repeat(5) + "\r\n")).as("trailer count").isEqualTo(ChunkedDecoder.TRAILERS_TOO_LARGE);
        assertThat(decode("0\r\nA: " + "b".repeat(300) + "\r\n\r\n")).as("trailer bytes").isEqualTo(ChunkedDecoder.TRAILERS_TOO_LARGE);
        assertThat(decode("0\r\nA: " + "b".repeat(300))).as("partial trailer bytes").isEqualTo(ChunkedDecoder.TRAILERS_TOO_LARGE);
        assertThat(decode("400\r\n")).as("exactly the limit").isEqualTo(ChunkedDecoder.NEED_MORE);
    }
}
