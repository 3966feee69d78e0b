package io.jselectors.protocol.websocket;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of the {@link FrameDecoder} with the {@link MessageAssembler} behind it
 * (Jazzer). Under {@code ./mvnw verify} it replays the seeds in {@code FrameDecoderFuzzTestInputs/};
 * {@code scripts/fuzz.sh ws-frames 10m} fuzzes it.
 *
 * <p>Properties, for any bytes, any message cap and any way the bytes are cut into reads: the
 * outcome (messages, control frames, and the close code of the first violation) is the same as
 * for the bytes in one read; nothing but {@link WebSocketProtocolException} is thrown; every byte
 * given is consumed; a message never holds more than the cap.
 */
class FrameDecoderFuzzTest {

    /** Small caps reach the 1009 path with short inputs. */
    private static final int MAX_FUZZED_CAP = 512;

    /** Reads per input: enough to split headers and payloads several times. */
    private static final int MAX_CUTS = 8;

    /** Not leak-tracked: under PARANOID every access to a tracked buffer records a stack trace. */
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false, true);

    /** Records what the assembler delivers. */
    private static final class Recorder implements MessageAssembler.Sink {
        final List<String> events = new ArrayList<>();

        @Override
        public void onText(ByteBuf utf8) {
            events.add("text:" + utf8.toString(java.nio.charset.StandardCharsets.UTF_8));
            utf8.release();
        }

        @Override
        public void onBinary(ByteBuf data) {
            events.add("binary:" + ByteBufUtil.hexDump(data));
            data.release();
        }

        @Override
        public void onPing(byte[] payload, int length) {
            events.add("ping:" + length);
        }

        @Override
        public void onPong(byte[] payload, int length) {
            events.add("pong:" + length);
        }

        @Override
        public void onClose(int code, String reason) {
            events.add("close:" + code + ":" + reason);
        }
    }

    @FuzzTest
    void framesAreReadTheSameWhereverTheyAreCut(FuzzedDataProvider data) {
        int cap = data.consumeInt(1, MAX_FUZZED_CAP);
        int[] cuts = new int[data.consumeInt(0, MAX_CUTS)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, Integer.MAX_VALUE);
        }
        byte[] stream = data.consumeRemainingAsBytes();
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = stream.length == 0 ? 0 : cuts[i] % (stream.length + 1);
        }
        Arrays.sort(cuts);

        List<String> whole = run(stream, new int[0], cap);
        List<String> split = run(stream, cuts, cap);
        if (!whole.equals(split)) {
            throw new AssertionError("cut at " + Arrays.toString(cuts) + ": " + split + " but whole: " + whole);
        }
    }

    private static List<String> run(byte[] stream, int[] cuts, int cap) {
        Recorder recorder = new Recorder();
        MessageAssembler assembler = new MessageAssembler(ALLOC, cap, recorder);
        FrameDecoder decoder = new FrameDecoder(true);
        int from = 0;
        try {
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : stream.length;
                ByteBuf in = Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, from, to));
                decoder.decode(in, assembler);
                if (in.isReadable()) {
                    throw new AssertionError(in.readableBytes() + " bytes left unconsumed");
                }
                from = to;
            }
        } catch (WebSocketProtocolException e) {
            recorder.events.add("fail:" + e.closeCode());
        } finally {
            assembler.release();
        }
        for (String event : recorder.events) {
            if (event.startsWith("binary:") && (event.length() - 7) / 2 > cap) {
                throw new AssertionError("a message over the cap of " + cap + " was delivered");
            }
        }
        return recorder.events;
    }
}
