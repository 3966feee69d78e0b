package io.jselectors.protocol.websocket;

import static io.jselectors.protocol.websocket.ClientFrames.frames;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebSocketCloseCodes;
import io.jselectors.protocol.websocket.ClientFrames.Frame;
import io.jselectors.protocol.websocket.Harness.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 cases written from the RFC, grouped as the Autobahn test suite groups them. Every input
 * runs whole, split at every byte (a stride past 4 KiB), and one byte per read ({@link Harness}).
 */
class WebSocketConformanceTest {

    private static byte[] bytes(int length, int seed) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 31 + seed);
        }
        return data;
    }

    private static String ascii(int length) {
        return "*".repeat(length);
    }

    private static Frame textFrame(String text) {
        return new Frame(true, Opcodes.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The server failed the connection with {@code code}, answering nothing after its close frame. */
    private static void assertFailed(Outcome outcome, int code) {
        assertThat(outcome.frames()).as("server frames").isNotEmpty();
        assertThat(outcome.last().opcode()).as("last frame's opcode").isEqualTo(Opcodes.CLOSE);
        assertThat(outcome.last().closeCode()).as("close code").isEqualTo(code);
        assertThat(outcome.open()).as("connection open").isFalse();
        assertThat(outcome.events()).last().isEqualTo("close:" + code);
    }

    @Nested
    class Framing {
        @ParameterizedTest
        @ValueSource(ints = {0, 1, 125, 126, 127, 128, 65_535, 65_536, 70_000})
        void textOfEveryLengthFormIsEchoed(int length) {
            Outcome outcome = Harness.run(frames().text(ascii(length)).toBytes());
            assertThat(outcome.frames()).containsExactly(textFrame(ascii(length)));
            assertThat(outcome.open()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 125, 126, 65_535, 65_536})
        void binaryOfEveryLengthFormIsEchoed(int length) {
            byte[] data = bytes(length, 7);
            Outcome outcome = Harness.run(frames().binary(data).toBytes());
            assertThat(outcome.frames()).containsExactly(new Frame(true, Opcodes.BINARY, data));
        }

        @Test
        void severalMessagesInOneReadAreEchoedInOrder() {
            Outcome outcome = Harness.run(frames().text("a").binary(bytes(3, 1)).text("b").toBytes());
            assertThat(outcome.frames()).extracting(Frame::opcode).containsExactly(Opcodes.TEXT, Opcodes.BINARY, Opcodes.TEXT);
        }

        @Test
        void unmaskedClientFrameIsAProtocolError() {
            assertFailed(Harness.run(frames().raw(0x81, "hi".getBytes(StandardCharsets.US_ASCII), false).toBytes()), 1002);
        }

        @Test
        void lengthNotInShortestFormIsAProtocolError() {
            // 16-bit length field carrying 5, then a 64-bit one carrying 200
            assertFailed(Harness.run(frames().bytes(0x81, 0x80 | 126, 0, 5, 1, 2, 3, 4).toBytes()), 1002);
            assertFailed(Harness.run(frames().bytes(0x82, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 200).toBytes()), 1002);
        }

        @Test
        void lengthWithTheTopBitSetIsAProtocolError() {
            assertFailed(Harness.run(frames().bytes(0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 0).toBytes()), 1002);
        }
    }

    @Nested
    class PingsAndPongs {
        @Test
        void emptyPingGetsEmptyPong() {
            assertThat(Harness.run(frames().ping(new byte[0]).toBytes()).frames())
                    .containsExactly(new Frame(true, Opcodes.PONG, new byte[0]));
        }

        @Test
        void pingOf125BytesGetsTheSamePayloadBack() {
            byte[] payload = bytes(125, 3);
            assertThat(Harness.run(frames().ping(payload).toBytes()).frames())
                    .containsExactly(new Frame(true, Opcodes.PONG, payload));
        }

        @Test
        void pingOf126BytesIsAProtocolError() {
            assertFailed(Harness.run(frames().ping(bytes(126, 3)).toBytes()), 1002);
        }

        @Test
        void unsolicitedPongIsIgnored() {
            Outcome outcome = Harness.run(frames().frame(true, Opcodes.PONG, bytes(10, 1)).text("after").toBytes());
            assertThat(outcome.frames()).containsExactly(textFrame("after"));
        }

        @Test
        void tenPingsGetTenPongsInOrder() {
            ClientFrames input = frames();
            for (int i = 0; i < 10; i++) {
                input.ping(new byte[] {(byte) i});
            }
            List<Frame> pongs = Harness.run(input.toBytes()).frames();
            assertThat(pongs).hasSize(10);
            for (int i = 0; i < 10; i++) {
                assertThat(pongs.get(i)).isEqualTo(new Frame(true, Opcodes.PONG, new byte[] {(byte) i}));
            }
        }
    }

    @Nested
    class ReservedBits {
        @ParameterizedTest
        @ValueSource(ints = {0x40, 0x20, 0x10, 0x70})
        void reservedBitOnTextIsAProtocolErrorAndNothingIsEchoed(int rsv) {
            Outcome outcome = Harness.run(frames().raw(0x80 | rsv | Opcodes.TEXT, "x".getBytes(StandardCharsets.US_ASCII), true).toBytes());
            assertFailed(outcome, 1002);
            assertThat(outcome.frames()).hasSize(1);
        }

        @Test
        void validMessageBeforeTheBadFrameIsStillEchoed() {
            Outcome outcome = Harness.run(frames().text("ok").raw(0xC0 | Opcodes.PING, new byte[0], true).toBytes());
            assertThat(outcome.frames().getFirst()).isEqualTo(textFrame("ok"));
            assertFailed(outcome, 1002);
        }
    }

    @Nested
    class OpcodesGroup {
        @ParameterizedTest
        @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
        void reservedOpcodeIsAProtocolError(int opcode) {
            assertFailed(Harness.run(frames().text("first").raw(0x80 | opcode, new byte[0], true).toBytes()), 1002);
        }
    }

    @Nested
    class Fragmentation {
        @Test
        void fragmentsAssembleIntoOneMessage() {
            Outcome outcome = Harness.run(frames()
                    .frame(false, Opcodes.TEXT, "frag".getBytes(StandardCharsets.US_ASCII))
                    .frame(false, Opcodes.CONTINUATION, new byte[0])
                    .frame(true, Opcodes.CONTINUATION, "ment".getBytes(StandardCharsets.US_ASCII))
                    .toBytes());
            assertThat(outcome.frames()).containsExactly(textFrame("fragment"));
        }

        @Test
        void controlFramesBetweenFragmentsAreAnsweredFirst() {
            Outcome outcome = Harness.run(frames()
                    .frame(false, Opcodes.BINARY, bytes(100, 1))
                    .ping("p".getBytes(StandardCharsets.US_ASCII))
                    .frame(true, Opcodes.CONTINUATION, bytes(100, 2))
                    .toBytes());
            assertThat(outcome.frames()).extracting(Frame::opcode).containsExactly(Opcodes.PONG, Opcodes.BINARY);
            assertThat(outcome.frames().get(1).payload()).isEqualTo(Harness.concat(bytes(100, 1), bytes(100, 2)));
        }

        @Test
        void fragmentedPingIsAProtocolError() {
            assertFailed(Harness.run(frames().frame(false, Opcodes.PING, new byte[0]).frame(true, Opcodes.CONTINUATION, new byte[0]).toBytes()), 1002);
        }

        @Test
        void continuationWithoutAMessageIsAProtocolError() {
            assertFailed(Harness.run(frames().frame(true, Opcodes.CONTINUATION, "x".getBytes(StandardCharsets.US_ASCII)).toBytes()), 1002);
        }

        @Test
        void newMessageInsideAFragmentedOneIsAProtocolError() {
            assertFailed(Harness.run(frames()
                    .frame(false, Opcodes.TEXT, "a".getBytes(StandardCharsets.US_ASCII))
                    .frame(true, Opcodes.TEXT, "b".getBytes(StandardCharsets.US_ASCII))
                    .toBytes()), 1002);
        }
    }

    @Nested
    class Utf8Handling {
        @Test
        void multiByteTextIsEchoed() {
            String text = "κόσμε ✓ 𝄞 done";
            assertThat(Harness.run(frames().text(text).toBytes()).frames()).containsExactly(textFrame(text));
        }

        @Test
        void codePointSplitAcrossFragmentsIsValid() {
            byte[] clef = "𝄞".getBytes(StandardCharsets.UTF_8);
            Outcome outcome = Harness.run(frames()
                    .frame(false, Opcodes.TEXT, Arrays.copyOfRange(clef, 0, 1))
                    .frame(false, Opcodes.CONTINUATION, Arrays.copyOfRange(clef, 1, 3))
                    .frame(true, Opcodes.CONTINUATION, Arrays.copyOfRange(clef, 3, 4))
                    .toBytes());
            assertThat(outcome.frames()).containsExactly(textFrame("𝄞"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"ff", "c0af", "e080af", "eda080", "f4908080", "80", "ce", "cebae1bdb9cf83cebcceb5eda080656469746564"})
        void invalidUtf8IsInvalidPayload(String hex) {
            byte[] payload = java.util.HexFormat.of().parseHex(hex);
            assertFailed(Harness.run(frames().frame(true, Opcodes.TEXT, payload).toBytes()), 1007);
        }

        @Test
        void invalidUtf8FailsAtOnceWithoutWaitingForTheMessageToEnd() {
            Outcome outcome = Harness.run(frames().frame(false, Opcodes.TEXT, new byte[] {'a', (byte) 0xFF}).toBytes());
            assertFailed(outcome, 1007);
        }

        @Test
        void textEndingInsideASequenceIsInvalidPayload() {
            byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
            assertFailed(Harness.run(frames()
                    .frame(false, Opcodes.TEXT, Arrays.copyOfRange(euro, 0, 2))
                    .frame(true, Opcodes.CONTINUATION, new byte[0])
                    .toBytes()), 1007);
        }

        @Test
        void binaryMessagesAreNotCheckedAsUtf8() {
            byte[] data = {(byte) 0xFF, (byte) 0xC0};
            assertThat(Harness.run(frames().binary(data).toBytes()).frames()).containsExactly(new Frame(true, Opcodes.BINARY, data));
        }
    }

    @Nested
    class CloseHandling {
        @Test
        void emptyCloseIsAnsweredWithAnEmptyCloseAndTheConnectionEnds() {
            Outcome outcome = Harness.run(frames().frame(true, Opcodes.CLOSE, new byte[0]).toBytes());
            assertThat(outcome.frames()).containsExactly(new Frame(true, Opcodes.CLOSE, new byte[0]));
            assertThat(outcome.open()).isFalse();
            assertThat(outcome.events()).containsExactly("close:" + WebSocketCloseCodes.NO_STATUS);
        }

        @ParameterizedTest
        @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
        void validCodeIsEchoed(int code) {
            Outcome outcome = Harness.run(frames().close(code, "bye").toBytes());
            assertThat(outcome.frames()).singleElement().satisfies(frame -> {
                assertThat(frame.opcode()).isEqualTo(Opcodes.CLOSE);
                assertThat(frame.closeCode()).isEqualTo(code);
            });
            assertThat(outcome.open()).isFalse();
            assertThat(outcome.events()).containsExactly("close:" + code);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
        void invalidCodeIsAProtocolError(int code) {
            assertFailed(Harness.run(frames().close(code, "").toBytes()), 1002);
        }

        @Test
        void oneByteCloseBodyIsAProtocolError() {
            assertFailed(Harness.run(frames().frame(true, Opcodes.CLOSE, new byte[] {3}).toBytes()), 1002);
        }

        @Test
        void invalidUtf8InTheReasonIsInvalidPayload() {
            assertFailed(Harness.run(frames().close(1000, new byte[] {'o', (byte) 0xC0, (byte) 0xAF}).toBytes()), 1007);
        }

        @Test
        void closeOf125BytesIsEchoedAnd126IsAProtocolError() {
            Outcome ok = Harness.run(frames().close(1000, ascii(123)).toBytes());
            assertThat(ok.last().closeCode()).isEqualTo(1000);
            assertFailed(Harness.run(frames().close(1000, ascii(124)).toBytes()), 1002);
        }

        @Test
        void framesAfterTheCloseAreNotDelivered() {
            Outcome outcome = Harness.run(frames().close(1000, "").text("late").ping(new byte[0]).toBytes());
            assertThat(outcome.frames()).extracting(Frame::opcode).containsExactly(Opcodes.CLOSE);
            assertThat(outcome.events()).containsExactly("close:1000");
        }
    }

    @Nested
    class Limits {
        private final WebSocketSettings small = new WebSocketSettings(64, Duration.ofSeconds(30), Duration.ofSeconds(5));

        @Test
        void messageAtTheCapPassesAndOneByteMoreIsTooBig() {
            assertThat(Harness.run(frames().text(ascii(64)).toBytes(), small).frames()).containsExactly(textFrame(ascii(64)));
            assertFailed(Harness.run(frames().text(ascii(65)).toBytes(), small), 1009);
        }

        @Test
        void fragmentsAddingUpPastTheCapAreTooBig() {
            assertFailed(Harness.run(frames()
                    .frame(false, Opcodes.BINARY, bytes(40, 1))
                    .frame(true, Opcodes.CONTINUATION, bytes(40, 2))
                    .toBytes(), small), 1009);
        }

        @Test
        void hugeAnnouncedLengthIsRefusedAtTheHeader() {
            // 2^63 - 1 bytes announced, none sent: refused before any payload, nothing reserved.
            assertFailed(Harness.run(frames().bytes(0x82, 0x80 | 127, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4).toBytes()), 1009);
        }
    }
}
