package io.jselectors.protocol.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8ValidatorTest {

    /** The JDK's strict decoder is the reference. */
    private static boolean jdkValid(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Validates in two parts split at {@code split}. */
    private static boolean valid(byte[] bytes, int split) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        Utf8Validator validator = new Utf8Validator();
        return validator.update(buf, 0, split) && validator.update(buf, split, bytes.length - split) && validator.isComplete();
    }

    @Test
    void agreesWithTheJdkOnEveryOneAndTwoByteInputSplitAnywhere() {
        byte[] one = new byte[1];
        for (int a = 0; a < 256; a++) {
            one[0] = (byte) a;
            assertThat(valid(one, 0)).as("%02x", a).isEqualTo(jdkValid(one));
        }
        byte[] two = new byte[2];
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                two[0] = (byte) a;
                two[1] = (byte) b;
                boolean expected = jdkValid(two);
                for (int split = 0; split <= 2; split++) {
                    assertThat(valid(two, split)).as("%02x %02x split at %d", a, b, split).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void agreesWithTheJdkOnRandomMultiByteSequencesSplitAnywhere() {
        Random random = new Random(3629);
        int[] leads = {0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xC0, 0x41};
        for (int round = 0; round < 200_000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(6)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (random.nextBoolean() ? leads[random.nextInt(leads.length)] : 0x80 + random.nextInt(0x40));
            }
            int split = random.nextInt(bytes.length + 1);
            assertThat(valid(bytes, split)).as("%s split at %d", java.util.HexFormat.of().formatHex(bytes), split).isEqualTo(jdkValid(bytes));
        }
    }

    /**
     * The ASCII run is checked a long at a time: a bad byte or a multi-byte sequence at every offset
     * of a long ASCII text (before, on and after each 8-byte step, at any start index) is judged
     * as the JDK judges it.
     */
    @Test
    void agreesWithTheJdkWhereverANonAsciiByteSitsInALongAsciiRun() {
        byte[][] inserts = {{(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xC3, (byte) 0xA9}, {(byte) 0xE2, (byte) 0x82, (byte) 0xAC},
                {(byte) 0xF0, (byte) 0x9F, (byte) 0x8C, (byte) 0x8D}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC3}};
        for (byte[] insert : inserts) {
            for (int at = 0; at <= 40; at++) {
                for (int start = 0; start < 8; start++) {
                    byte[] text = new byte[start + 41 + insert.length];
                    java.util.Arrays.fill(text, (byte) 'a');
                    System.arraycopy(insert, 0, text, start + at, insert.length);
                    byte[] checked = java.util.Arrays.copyOfRange(text, start, text.length);
                    Utf8Validator validator = new Utf8Validator();
                    boolean valid = validator.update(Unpooled.wrappedBuffer(text), start, text.length - start) && validator.isComplete();
                    assertThat(valid).as("%s at %d from %d", java.util.HexFormat.of().formatHex(insert), at, start)
                            .isEqualTo(jdkValid(checked));
                }
            }
        }
    }

    @Test
    void aSequenceCutByAnUpdateIsStillCheckedAfterTheAsciiRunOfTheNext() {
        Utf8Validator validator = new Utf8Validator();
        ByteBuf first = Unpooled.wrappedBuffer("abcdefgh\u00e9".getBytes(StandardCharsets.UTF_8));
        assertThat(validator.update(first, 0, first.readableBytes() - 1)).isTrue(); // ends after 0xC3
        ByteBuf ascii = Unpooled.wrappedBuffer("abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII));
        assertThat(validator.update(ascii, 0, ascii.readableBytes())).as("0xC3 then 'a' is invalid").isFalse();
    }

    @Test
    void resetForgetsAPartialSequence() {
        Utf8Validator validator = new Utf8Validator();
        assertThat(validator.update(Unpooled.wrappedBuffer(new byte[] {(byte) 0xE2}), 0, 1)).isTrue();
        assertThat(validator.isComplete()).isFalse();
        validator.reset();
        assertThat(validator.isComplete()).isTrue();
        assertThat(validator.update(Unpooled.wrappedBuffer(new byte[] {'a'}), 0, 1)).isTrue();
    }
}
