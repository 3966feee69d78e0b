package io.jselectors.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of the chat's {@link LineDecoder} (Jazzer). Under {@code ./mvnw verify}
 * it replays the seeds in {@code LineDecoderFuzzTestInputs/}; {@code scripts/fuzz.sh chat-lines 10m}
 * fuzzes it.
 *
 * <p>Properties, for any bytes, any line limit and any way the bytes are cut into reads: the
 * decoder reports exactly what a plain model of the protocol says (each LF-ended line without one
 * trailing CR, too long past the limit, an unfinished line too long once it passes the limit plus
 * its CR), it consumes every byte, leaves nothing buffered after a final LF, and neither releases
 * nor keeps the buffers it is given.
 */
class LineDecoderFuzzTest {

    /** Small limits reach the too-long paths with short inputs. */
    private static final int MAX_FUZZED_LINE_LIMIT = 64;

    /** Reads per input: enough to split a line several times. */
    private static final int MAX_CUTS = 8;

    /**
     * One buffer of each kind, refilled for every read and not leak-tracked: the decoder allocates
     * nothing, and under the PARANOID leak detector every access to a tracked buffer records a stack
     * trace, which cut the fuzzer from thousands of executions a second to tens. That the decoder
     * neither releases nor retains what it is given is checked on every read instead.
     */
    private static ByteBuf directIn = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(4096)).clear();
    private static ByteBuf heapIn = Unpooled.wrappedBuffer(new byte[4096]).clear();

    @FuzzTest
    void splitAnywhereDecodesLikeTheModel(FuzzedDataProvider data) {
        int maxLine = data.consumeInt(1, MAX_FUZZED_LINE_LIMIT);
        boolean direct = data.consumeBoolean();
        int[] cuts = new int[data.consumeInt(0, MAX_CUTS)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, Integer.MAX_VALUE);
        }
        byte[] stream = data.consumeRemainingAsBytes();
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = stream.length == 0 ? 0 : cuts[i] % (stream.length + 1);
        }
        Arrays.sort(cuts);

        List<String> expected = model(stream, maxLine);
        Recorder whole = new Recorder();
        LineBudget budget = new LineBudget(Long.MAX_VALUE, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        LineDecoder wholeDecoder = new LineDecoder(maxLine, budget);
        feed(wholeDecoder, stream, 0, stream.length, whole, direct);
        if (!whole.events.equals(expected)) {
            assertThat(whole.events).as("whole, limit %d", maxLine).isEqualTo(expected);
        }

        Recorder split = new Recorder();
        LineDecoder splitDecoder = new LineDecoder(maxLine, budget);
        int from = 0;
        for (int cut : cuts) {
            feed(splitDecoder, stream, from, cut, split, direct);
            from = cut;
        }
        feed(splitDecoder, stream, from, stream.length, split, direct);
        if (!split.events.equals(expected)) {
            assertThat(split.events).as("cut at %s, limit %d", Arrays.toString(cuts), maxLine).isEqualTo(expected);
        }
        wholeDecoder.release();
        splitDecoder.release();
        if (budget.held() != 0) {
            assertThat(budget.held()).as("bytes still counted after both decoders were released").isZero();
        }

        boolean endsWithLf = stream.length > 0 && stream[stream.length - 1] == '\n';
        if (endsWithLf && !(wholeDecoder.isEmpty() && splitDecoder.isEmpty())) {
            throw new AssertionError("a line is still buffered after a final LF");
        }
    }

    private static void feed(LineDecoder decoder, byte[] stream, int from, int to, Recorder sink, boolean useDirect) {
        int length = to - from;
        if (length > heapIn.capacity()) { // wrapped buffers do not grow: make bigger ones
            directIn = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(length)).clear();
            heapIn = Unpooled.wrappedBuffer(new byte[length]).clear();
        }
        ByteBuf in = useDirect ? directIn : heapIn;
        in.clear().writeBytes(stream, from, length);
        decoder.decode(in, sink);
        if (in.isReadable()) {
            throw new AssertionError(in.readableBytes() + " bytes left unconsumed");
        }
        if (in.refCnt() != 1) {
            throw new AssertionError("the decoder changed the caller's buffer's reference count to " + in.refCnt());
        }
    }

    /** The protocol written the plain way: split at LF, drop one CR, compare with the limit. */
    static List<String> model(byte[] stream, int maxLine) {
        List<String> events = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < stream.length; i++) {
            if (stream[i] != '\n') {
                continue;
            }
            int length = i - start;
            if (length > 0 && stream[i - 1] == '\r') {
                length--;
            }
            events.add(length > maxLine ? Recorder.TOO_LONG : "line:" + new String(stream, start, length, StandardCharsets.UTF_8));
            start = i + 1;
        }
        if (stream.length - start > maxLine + 1) {
            events.add(Recorder.TOO_LONG); // reported as soon as it cannot be a line any more
        }
        return events;
    }

    private static final class Recorder implements LineDecoder.Sink {
        static final String TOO_LONG = "too long";
        final List<String> events = new ArrayList<>();

        @Override
        public boolean line(String text) {
            events.add("line:" + text);
            return true;
        }

        @Override
        public void tooLong() {
            events.add(TOO_LONG);
        }

        @Override
        public void noRoom() {
            events.add("no room"); // never expected: the budget here has no end
        }
    }
}
