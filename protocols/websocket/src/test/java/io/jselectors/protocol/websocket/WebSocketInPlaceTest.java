package io.jselectors.protocol.websocket;

import static io.jselectors.protocol.websocket.ClientFrames.frames;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A message that is one final frame ending its read is delivered in the read buffer itself
 * (MessageAssembler#lend): the endpoint owns that buffer then, so whatever it does with it (keep it,
 * pause, throw) must neither lose bytes nor release it twice (PARANOID leak detection and reference
 * counts check the latter at close).
 */
class WebSocketInPlaceTest {

    /** A masked client frame's header before a payload under 126 bytes: 2 bytes and the 4-byte key. */
    private static final int SHORT_CLIENT_HEADER = 6;

    private final List<String> received = new ArrayList<>();
    private final List<Integer> readerIndexes = new ArrayList<>();
    private final List<WebSocketSession> sessions = new ArrayList<>();
    private BiConsumer<WebSocketSession, ByteBuf> onMessage = WebSocketSession::sendText;
    private final ProtocolTester tester = ProtocolTester.builder("websocket", listener -> new WebSocketHandler(
                    new WebSocketEndpoint() {
                        @Override
                        public void onOpen(WebSocketSession session) {
                            sessions.add(session);
                        }

                        @Override
                        public void onTextBytes(WebSocketSession session, ByteBuf utf8) {
                            received.add(utf8.toString(StandardCharsets.UTF_8));
                            readerIndexes.add(utf8.readerIndex());
                            onMessage.accept(session, utf8);
                        }
                    }, WebSocketSettings.DEFAULTS, null))
            .build();

    @AfterEach
    void closeAndCheckLeaks() {
        tester.close();
    }

    @Test
    void aMessageEndingItsReadIsDeliveredInTheReadAndEchoedFromIt() {
        TestConnection connection = tester.connect();
        connection.receive(frames().text("first").text("last").toBytes());

        assertThat(received).containsExactly("first", "last");
        // copied: after the message buffer's headroom; in place: right after its frame's header
        assertThat(readerIndexes).containsExactly(MessageAssembler.HEADROOM,
                SHORT_CLIENT_HEADER + "first".length() + SHORT_CLIENT_HEADER);
        assertThat(ClientFrames.parse(connection.takeOutput())).extracting(ClientFrames.Frame::text)
                .containsExactly("first", "last");
    }

    @Test
    void aKeptMessageIsNotOverwrittenByLaterReads() {
        List<ByteBuf> kept = new ArrayList<>();
        onMessage = (session, utf8) -> kept.add(utf8);
        TestConnection connection = tester.connect();
        for (int i = 0; i < 20; i++) {
            connection.receive(frames().text("message " + i).toBytes());
        }
        assertThat(kept).extracting(b -> b.toString(StandardCharsets.UTF_8))
                .containsExactlyElementsOf(received).hasSize(20).first().isEqualTo("message 0");
        kept.forEach(ByteBuf::release);
    }

    @Test
    void aPauseOnAMessageInItsReadLosesNothingAndReadsOnAfterTheResume() {
        onMessage = (session, utf8) -> {
            if (utf8.toString(StandardCharsets.UTF_8).startsWith("pause")) {
                session.pauseReading();
            }
            session.sendText(utf8);
        };
        TestConnection connection = tester.connect();
        connection.receive(frames().text("pause").toBytes());
        assertThat(connection.isReadingPaused()).isTrue();
        sessions.getFirst().resumeReading();
        tester.runPending();
        connection.receive(frames().text("after").toBytes());

        assertThat(received).containsExactly("pause", "after");
        assertThat(ClientFrames.parse(connection.takeOutput())).extracting(ClientFrames.Frame::text)
                .containsExactly("pause", "after");
    }

    @Test
    void anEndpointThatReleasesAndThrowsClosesTheConnectionWithItsOwnError() {
        IllegalStateException thrown = new IllegalStateException("endpoint bug");
        onMessage = (session, utf8) -> {
            utf8.release();
            throw thrown;
        };
        TestConnection connection = tester.connect();
        connection.receive(frames().text("boom").toBytes());

        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.closeCause()).as("not a second release of the read").isSameAs(thrown);
    }

    @Test
    void aTextMessageEndingInsideASequenceIsRefusedWhenDeliveredInPlace() {
        onMessage = (session, utf8) -> utf8.release();
        TestConnection connection = tester.connect();
        byte[] cut = {'a', (byte) 0xC3}; // the first byte of a 2-byte sequence, then the message ends
        connection.receive(frames().raw(0x81, cut, true).toBytes());

        assertThat(received).isEmpty();
        assertThat(ClientFrames.parse(connection.takeOutput())).last()
                .satisfies(frame -> assertThat(frame.closeCode()).isEqualTo(1007));
    }

    /** The assembler alone: which inputs it takes. */
    @Test
    void onlyAWholeFinalFrameEndingASmallEnoughInputIsTaken() throws Exception {
        List<ByteBuf> messages = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(UnpooledByteBufAllocator.DEFAULT, 1 << 20, new NoControlSink() {
            @Override
            public void onText(ByteBuf utf8) {
                messages.add(utf8);
            }

            @Override
            public void onBinary(ByteBuf data) {
                messages.add(data);
            }
        });
        byte[] one = frames().text("hello").toBytes();
        assertThat(decodeLent(assembler, one, one.length)).as("one frame, a buffer its size").isTrue();
        assertThat(decodeLent(assembler, one, MessageAssembler.IN_PLACE_MAX_CAPACITY + 1))
                .as("a 5-byte message in a buffer over the cap").isFalse();
        byte[] fragmented = frames().raw(0x01, "hel".getBytes(StandardCharsets.UTF_8), true)
                .raw(0x80, "lo".getBytes(StandardCharsets.UTF_8), true).toBytes();
        assertThat(decodeLent(assembler, fragmented, fragmented.length)).as("a fragmented message is assembled").isFalse();
        byte[] twoInOne = frames().text("a").text("b").toBytes();
        assertThat(decodeLent(assembler, twoInOne, twoInOne.length)).as("the last of two frames").isTrue();
        assertThat(messages).extracting(b -> b.toString(StandardCharsets.UTF_8))
                .containsExactly("hello", "hello", "hello", "a", "b");
        messages.forEach(ByteBuf::release);
    }

    /** Decodes {@code wire} from a lent buffer of {@code capacity}; whether the assembler took it. */
    private static boolean decodeLent(MessageAssembler assembler, byte[] wire, int capacity) throws Exception {
        ByteBuf in = Unpooled.buffer(capacity, capacity).writeBytes(wire);
        FrameDecoder decoder = new FrameDecoder(true);
        assembler.lend(in);
        decoder.decode(in, assembler);
        boolean taken = assembler.tookInput();
        assembler.lend(null);
        if (!taken) {
            in.release();
        }
        return taken;
    }

    @Test
    void theTakenInputHoldsThePayloadOnly() throws Exception {
        ByteBuf[] got = new ByteBuf[1];
        MessageAssembler assembler = new MessageAssembler(UnpooledByteBufAllocator.DEFAULT, 1 << 20, new NoControlSink() {
            @Override
            public void onBinary(ByteBuf data) {
                got[0] = data;
            }
        });
        byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        byte[] wire = frames().binary(payload).toBytes();
        assertThat(decodeLent(assembler, wire, wire.length)).isTrue();
        assertThat(ByteBufUtil.getBytes(got[0])).isEqualTo(payload);
        assertThat(got[0].readerIndex()).isEqualTo(SHORT_CLIENT_HEADER);
        got[0].release();
    }
}
