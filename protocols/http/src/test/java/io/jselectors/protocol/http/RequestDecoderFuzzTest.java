package io.jselectors.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing of the {@link RequestDecoder} (Jazzer): request heads, fixed and chunked
 * bodies, pipelined requests. Under {@code ./mvnw verify} it replays the seeds in {@code
 * RequestDecoderFuzzTestInputs/}; {@code scripts/fuzz.sh http-request 10m} fuzzes it.
 *
 * <p>Properties, for any bytes, any body limit and any way the bytes are cut into reads:
 * <ul>
 *   <li>the same requests and the same refusal come out as when the bytes arrive whole; the cut
 *       reads arrive in a direct buffer with a memory address (the server's case, where the decoder
 *       searches eight bytes at a time) and the whole one in a heap buffer (searched byte by byte),
 *       so the two searches are also checked against each other;</li>
 *   <li>each request attempt is either parsed or refused, never both: after a refusal nothing more
 *       is parsed, and a refusal is a 4xx (or 501/505, the "not supported" answers);</li>
 *   <li>a parsed request is well formed: version 1.0 or 1.1, a path, a body within the limit and of
 *       the declared length;</li>
 *   <li>every buffer the decoder allocated is released once the connection is done with it (exact
 *       tracking of each one, cheaper and stricter than sampling them).</li>
 * </ul>
 */
class RequestDecoderFuzzTest {

    /** Small body limits reach the 413 paths with short inputs. */
    private static final int MAX_FUZZED_BODY_LIMIT = 4096;

    /** Reads per input: enough to cut lines, chunk sizes and bodies several times. */
    private static final int MAX_CUTS = 8;

    /** The refusals a decoder may make: RFC 9110's client errors, and the two "not supported" 5xx. */
    private static final Set<Integer> REFUSALS = Set.of(400, 413, 414, 417, 431, 501, 505);

    /** The server's kind of read buffer: pooled, direct, with a memory address. */
    private static final PooledByteBufAllocator DIRECT = PooledByteBufAllocator.DEFAULT;

    @FuzzTest
    void requestIsParsedOrRefusedWhereverItIsCut(FuzzedDataProvider data) {
        int maxBody = data.consumeInt(0, MAX_FUZZED_BODY_LIMIT);
        int[] cuts = new int[data.consumeInt(0, MAX_CUTS)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, Integer.MAX_VALUE);
        }
        byte[] stream = data.consumeRemainingAsBytes();
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = cuts[i] % (stream.length + 1);
        }
        Arrays.sort(cuts);

        String whole = transcript(stream, new int[0], maxBody, false);
        String split = transcript(stream, cuts, maxBody, true);
        if (!whole.equals(split)) {
            assertThat(split).as("cut at %s, body limit %d", Arrays.toString(cuts), maxBody).isEqualTo(whole);
        }
    }

    /**
     * Decodes {@code stream} read in pieces ending at {@code cuts}, the way the handler drives it,
     * from a direct buffer with a memory address or from a heap buffer.
     */
    private static String transcript(byte[] stream, int[] cuts, int maxBody, boolean direct) {
        TrackingAllocator alloc = new TrackingAllocator();
        RequestDecoder decoder = new RequestDecoder(alloc, maxBody);
        StringBuilder out = new StringBuilder();
        ByteBuf in = direct ? DIRECT.directBuffer(Math.max(16, stream.length)) : Unpooled.buffer(Math.max(16, stream.length));
        if (direct && !in.hasMemoryAddress()) {
            in.release();
            throw new AssertionError("a pooled direct buffer without a memory address: the fuzzer would miss the decoder's address path");
        }
        boolean refused = false;
        int from = 0;
        try {
            for (int i = 0; i <= cuts.length && !refused; i++) {
                int to = i < cuts.length ? cuts[i] : stream.length;
                in.writeBytes(stream, from, to - from);
                from = to;
                refused = decodeAll(decoder, in, maxBody, out);
            }
            out.append(refused ? "" : decoder.betweenRequests() ? "idle" : "partial");
        } finally {
            decoder.release();
            in.release();
        }
        alloc.assertAllReleased();
        return out.toString();
    }

    /** Runs the decoder until it needs more; returns whether it refused the input. */
    private static boolean decodeAll(RequestDecoder decoder, ByteBuf in, int maxBody, StringBuilder out) {
        while (true) {
            int result = decoder.decode(in);
            switch (result) {
                case RequestDecoder.NEED_MORE -> {
                    return false;
                }
                case RequestDecoder.HEADERS_DONE -> out.append("head continue=").append(decoder.head().expectContinue()).append('\n');
                case RequestDecoder.REQUEST_DONE -> {
                    HttpRequest request = decoder.request();
                    checkParsed(request, decoder.head(), maxBody);
                    describe(request, decoder.head(), out);
                    request.clear();
                }
                case RequestDecoder.ERROR -> {
                    int status = decoder.errorStatus();
                    if (!REFUSALS.contains(status)) {
                        throw new AssertionError("refused with " + status + ", not a 4xx or 501/505");
                    }
                    if (decoder.decode(in) != RequestDecoder.ERROR) {
                        throw new AssertionError("a refused connection parsed on");
                    }
                    out.append("refused ").append(status).append('\n');
                    return true;
                }
                default -> throw new AssertionError("unknown decode result " + result);
            }
        }
    }

    private static void checkParsed(HttpRequest request, RequestHead head, int maxBody) {
        if (request.version() != 10 && request.version() != 11) {
            throw new AssertionError("version " + request.version());
        }
        if (request.method().isEmpty() || request.path().isEmpty()) {
            throw new AssertionError("no method or path: " + request);
        }
        int bodyLength = request.body().readableBytes();
        if (bodyLength > maxBody) {
            throw new AssertionError("body of " + bodyLength + " bytes over the limit " + maxBody);
        }
        if (!head.chunked() && head.contentLength() >= 0 && head.contentLength() != bodyLength) {
            throw new AssertionError("body of " + bodyLength + " bytes, Content-Length " + head.contentLength());
        }
    }

    private static void describe(HttpRequest request, RequestHead head, StringBuilder out) {
        out.append(request.method()).append(' ').append(request.target()).append(' ').append(request.version())
                .append(" keep-alive=").append(head.keepAlive());
        for (int i = 0; i < request.headerCount(); i++) {
            out.append(" [").append(request.headerName(i)).append(": ").append(request.headerValue(i)).append(']');
        }
        ByteBuf body = request.body();
        out.append(" body=").append(body.readableBytes()).append(':').append(io.netty.buffer.ByteBufUtil.hexDump(body)).append('\n');
    }

    /**
     * Heap buffers, each one remembered so that the test can check every one was released. Not
     * wrapped by netty's leak detector: its PARANOID records on every access would slow the fuzzer
     * a hundredfold, and this check is exact rather than sampled.
     */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        private final List<ByteBuf> allocated = new ArrayList<>();

        TrackingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            allocated.add(b);
            return b;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        void assertAllReleased() {
            for (ByteBuf b : allocated) {
                if (b.refCnt() != 0) {
                    throw new AssertionError("a buffer of the decoder was never released: " + b);
                }
            }
        }
    }
}
