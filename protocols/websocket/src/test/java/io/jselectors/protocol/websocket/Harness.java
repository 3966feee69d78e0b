package io.jselectors.protocol.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs client bytes through a {@link WebSocketHandler} with an echo endpoint in the testkit, whole,
 * split in two at every byte, and one byte per read, and checks that every way gives the same
 * answer: the decoder must not care where reads split the input. Past {@value #EVERY_BYTE_LIMIT}
 * bytes, splits and single-byte reads cover the first and last {@value #EDGE} bytes (headers,
 * the end of the payload) and the middle at a stride of {@value #STRIDE}, to keep the run short.
 */
final class Harness {

    /** What the server did with one input. */
    record Outcome(List<ClientFrames.Frame> frames, boolean open, List<String> events) {
        ClientFrames.Frame last() {
            return frames.getLast();
        }
    }

    /** Echoes messages back and records what the endpoint heard. */
    static final class Echo implements WebSocketEndpoint {
        final List<String> events = new ArrayList<>();

        @Override
        public void onText(WebSocketSession session, String text) {
            events.add("text:" + text);
            session.sendText(text);
        }

        @Override
        public void onBinary(WebSocketSession session, ByteBuf data) {
            events.add("binary:" + data.readableBytes());
            session.sendBinary(data);
        }

        @Override
        public void onClose(WebSocketSession session, int code, String reason) {
            events.add("close:" + code);
        }
    }

    private Harness() {}

    static Outcome run(byte[] input) {
        return run(input, WebSocketSettings.DEFAULTS);
    }

    /** Runs {@code input} every way and returns the outcome, once all ways agree. */
    static Outcome run(byte[] input, WebSocketSettings settings) {
        Outcome whole = feed(List.of(input), settings);
        for (int split = 1; split < input.length; split = nextSplit(split, input.length)) {
            Outcome halves = feed(List.of(Arrays.copyOfRange(input, 0, split), Arrays.copyOfRange(input, split, input.length)), settings);
            assertThat(halves).as("input split at byte %d of %d", split, input.length).isEqualTo(whole);
        }
        List<byte[]> small = new ArrayList<>();
        for (int at = 0; at < input.length; ) {
            int n = input.length <= EVERY_BYTE_LIMIT || at < EDGE || at >= input.length - EDGE ? 1 : Math.min(STRIDE, input.length - EDGE - at);
            small.add(Arrays.copyOfRange(input, at, at + n));
            at += n;
        }
        assertThat(feed(small, settings)).as("input fed one byte per read").isEqualTo(whole);
        return whole;
    }

    /** Every byte up to this input size; above it, the first and last headers' worth and a stride. */
    private static final int EVERY_BYTE_LIMIT = 4096;
    private static final int EDGE = 64;
    private static final int STRIDE = 997;

    private static int nextSplit(int split, int length) {
        if (length <= EVERY_BYTE_LIMIT || split < EDGE || split >= length - EDGE) {
            return split + 1;
        }
        return Math.min(split + STRIDE, length - EDGE);
    }

    private static Outcome feed(List<byte[]> chunks, WebSocketSettings settings) {
        Echo echo = new Echo();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        boolean open;
        try (ProtocolTester tester = ProtocolTester.builder("websocket", listener -> new WebSocketHandler(echo, settings, null)).build()) {
            TestConnection connection = tester.connect();
            for (byte[] chunk : chunks) {
                connection.receive(chunk);
                output.writeBytes(connection.takeOutput());
            }
            open = connection.isOpen();
        } // closing the tester aborts what is open (the endpoint hears 1006) and checks for leaks
        return new Outcome(ClientFrames.parse(output.toByteArray()), open, List.copyOf(echo.events));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }
}
