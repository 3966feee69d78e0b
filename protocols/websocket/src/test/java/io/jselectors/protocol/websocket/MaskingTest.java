package io.jselectors.protocol.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.WebSocketCloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-message fast paths, by address (pooled direct buffers, as the server reads into) and
 * through the buffer's accessors (heap): unmasking with its ASCII verdict, the validator's ASCII
 * words, and the assembler skipping the UTF-8 check of a chunk seen to be ASCII, at every start
 * alignment, every key phase and every length from 0 to {@value #MAX_LENGTH}.
 */
class MaskingTest {

    /** Lengths tried: every word count up to five and every tail in between. */
    private static final int MAX_LENGTH = 40;
    /** Start offsets tried: every alignment within a word. */
    private static final int ALIGNMENTS = 8;
    private static final int KEY = 0x37FA213D;

    static Stream<Function<byte[], ByteBuf>> buffers() {
        return Stream.of(MaskingTest::direct, MaskingTest::heap);
    }

    private static ByteBuf direct(byte[] bytes) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length + 8).writeBytes(bytes);
        assertThat(b.hasMemoryAddress()).as("the address path needs a buffer with an address: %s", b).isTrue();
        return b;
    }

    private static ByteBuf heap(byte[] bytes) {
        ByteBuf b = Unpooled.buffer(bytes.length + 8).writeBytes(bytes);
        assertThat(b.hasMemoryAddress()).as("a heap buffer takes the accessor path").isFalse();
        return b;
    }

    /** The key's byte due at payload position {@code i} when the payload starts at key phase {@code phase}. */
    private static byte keyByte(int phase, int i) {
        return (byte) (KEY >>> (24 - 8 * ((phase + i) & 3)));
    }

    @ParameterizedTest
    @MethodSource("buffers")
    void unmasksExactlyTheRangeAtEveryAlignmentPhaseAndLength(Function<byte[], ByteBuf> make) {
        Random random = new Random(6455);
        for (int start = 0; start < ALIGNMENTS; start++) {
            for (int phase = 0; phase < 4; phase++) {
                for (int n = 0; n <= MAX_LENGTH; n++) {
                    byte[] bytes = new byte[start + n + 3];
                    random.nextBytes(bytes);
                    byte[] expected = bytes.clone();
                    boolean ascii = true;
                    for (int i = 0; i < n; i++) {
                        expected[start + i] ^= keyByte(phase, i);
                        ascii &= expected[start + i] >= 0;
                    }
                    ByteBuf buf = make.apply(bytes);
                    try {
                        boolean said = Masking.unmask(buf, start, n, Integer.rotateLeft(KEY, 8 * phase));
                        byte[] got = new byte[bytes.length];
                        buf.getBytes(0, got);
                        assertThat(got).as("start %d phase %d length %d", start, phase, n).isEqualTo(expected);
                        assertThat(said).as("ASCII verdict, start %d phase %d length %d", start, phase, n).isEqualTo(ascii);
                    } finally {
                        buf.release();
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("buffers")
    void oneNonAsciiByteAnywhereIsSeen(Function<byte[], ByteBuf> make) {
        for (int start = 0; start < ALIGNMENTS; start++) {
            for (int n = 1; n <= MAX_LENGTH; n++) {
                for (int at = 0; at < n; at++) {
                    byte[] plain = new byte[start + n];
                    Arrays.fill(plain, (byte) 'a');
                    plain[start + at] = (byte) 0x80;
                    byte[] masked = plain.clone();
                    for (int i = 0; i < n; i++) {
                        masked[start + i] ^= keyByte(0, i);
                    }
                    ByteBuf buf = make.apply(masked);
                    try {
                        assertThat(Masking.unmask(buf, start, n, KEY)).as("0x80 at %d of %d from %d", at, n, start).isFalse();
                    } finally {
                        buf.release();
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("buffers")
    void theValidatorAgreesWithTheJdkAtEveryAlignmentLengthAndPosition(Function<byte[], ByteBuf> make) {
        byte[][] inserts = {{(byte) 0xFF}, {(byte) 0xC3, (byte) 0xA9}, {(byte) 0xC3}, {(byte) 0xA9},
            {(byte) 0xE2, (byte) 0x82, (byte) 0xAC}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}};
        for (int start = 0; start < ALIGNMENTS; start++) {
            for (int n = 0; n <= MAX_LENGTH; n++) {
                for (byte[] insert : inserts) {
                    for (int at = 0; at + insert.length <= n; at++) {
                        byte[] text = new byte[n];
                        Arrays.fill(text, (byte) 'x');
                        System.arraycopy(insert, 0, text, at, insert.length);
                        assertThat(valid(make, start, text)).as("%s at %d of %d from %d", Arrays.toString(insert), at, n, start)
                                .isEqualTo(jdkValid(text));
                    }
                }
                byte[] ascii = new byte[n];
                Arrays.fill(ascii, (byte) 'y');
                assertThat(valid(make, start, ascii)).as("ASCII, %d from %d", n, start).isTrue();
            }
        }
    }

    /** A masked text frame with an invalid byte at each position still fails with 1007, also when split. */
    @ParameterizedTest
    @MethodSource("buffers")
    void invalidUtf8AtEveryPositionOfAMaskedTextFrameIs1007(Function<byte[], ByteBuf> make) {
        for (int n = 1; n <= MAX_LENGTH; n++) {
            for (int at = 0; at < n; at++) {
                byte[] text = new byte[n];
                Arrays.fill(text, (byte) 'z');
                text[at] = (byte) 0xFE;
                byte[] wire = ClientFrames.frames().raw(0x81, text, true).toBytes();
                for (int split : new int[] {wire.length, wire.length - n + at, wire.length - n + at + 1}) {
                    int cut = split;
                    assertThatThrownBy(() -> assemble(make, wire, cut)).as("0xFE at %d of %d, split at %d", at, n, cut)
                            .isInstanceOfSatisfying(WebSocketProtocolException.class,
                                    e -> assertThat(e.closeCode()).isEqualTo(WebSocketCloseCodes.INVALID_PAYLOAD));
                }
            }
        }
    }

    /**
     * A sequence cut by the end of a fragment must be continued by the next one: an ASCII fragment
     * there (which unmasking calls ASCII) is invalid, while a valid continuation is accepted.
     */
    @ParameterizedTest
    @MethodSource("buffers")
    void anAsciiFragmentAfterACutSequenceIs1007(Function<byte[], ByteBuf> make) throws Exception {
        byte[] bad = ClientFrames.frames().raw(0x01, new byte[] {'a', (byte) 0xC3}, true)
                .raw(0x80, "bcdefghijk".getBytes(StandardCharsets.US_ASCII), true).toBytes();
        assertThatThrownBy(() -> assemble(make, bad, bad.length))
                .isInstanceOfSatisfying(WebSocketProtocolException.class,
                        e -> assertThat(e.closeCode()).isEqualTo(WebSocketCloseCodes.INVALID_PAYLOAD));
        byte[] good = ClientFrames.frames().raw(0x01, new byte[] {'a', (byte) 0xC3}, true)
                .raw(0x80, new byte[] {(byte) 0xA9, 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'}, true).toBytes();
        assertThat(assemble(make, good, good.length)).isEqualTo("aébcdefghi");
        byte[] ascii = ClientFrames.frames().text("plain ASCII, long enough for words").toBytes();
        assertThat(assemble(make, ascii, 9)).isEqualTo("plain ASCII, long enough for words");
    }

    private static boolean valid(Function<byte[], ByteBuf> make, int start, byte[] text) {
        byte[] bytes = new byte[start + text.length];
        System.arraycopy(text, 0, bytes, start, text.length);
        ByteBuf buf = make.apply(bytes);
        try {
            Utf8Validator validator = new Utf8Validator();
            return validator.update(buf, start, text.length) && validator.isComplete();
        } finally {
            buf.release();
        }
    }

    private static boolean jdkValid(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Decodes {@code wire} in two reads split at {@code split}; the one text message it makes. */
    private static String assemble(Function<byte[], ByteBuf> make, byte[] wire, int split) throws WebSocketProtocolException {
        StringBuilder got = new StringBuilder();
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        MessageAssembler assembler = new MessageAssembler(alloc, 1 << 20, new NoControlSink() {
            @Override
            public void onText(ByteBuf utf8) {
                got.append(utf8.toString(StandardCharsets.UTF_8));
                utf8.release();
            }
        });
        FrameDecoder decoder = new FrameDecoder(true);
        try {
            for (byte[] part : new byte[][] {Arrays.copyOfRange(wire, 0, split), Arrays.copyOfRange(wire, split, wire.length)}) {
                ByteBuf in = make.apply(part);
                try {
                    decoder.decode(in, assembler);
                } finally {
                    in.release();
                }
            }
        } finally {
            assembler.release();
        }
        return got.toString();
    }
}
