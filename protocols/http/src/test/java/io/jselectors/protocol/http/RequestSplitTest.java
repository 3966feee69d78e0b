package io.jselectors.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder finds each line where it lies in the input and copies it once (the request line into
 * its own array, a field line into the request's field bytes); a line split across reads is kept
 * where it was copied and searched on from there. These cases cut heads at every byte, and at every
 * pair of bytes, the way the handler feeds them (the unread rest moved to the front of the buffer
 * before the next read is appended), in a buffer with a memory address (the server's pooled direct
 * buffers, searched eight bytes at a time) and in a heap buffer (byte by byte), and compare what is
 * parsed with the same input decoded whole.
 */
class RequestSplitTest {

    /** Three pipelined heads: several fields, a long value (many words), odd case and whitespace, a repeated target. */
    private static final String HEADS = "GET /a/b?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nuser-agent: split-test/1.0\r\n"
            + "Accept:\t*/*  \r\nX-Long: " + "0123456789abcdef".repeat(5) + "\r\nX-Empty:\r\nConnection: keep-alive\r\n\r\n"
            + "GET /a/b?q=1 HTTP/1.1\r\nHost: h\r\nX-Two: 2\r\n\r\n"
            + "HEAD /other HTTP/1.0\r\nConnection: keep-alive\r\nX-Three: three\r\n\r\n";

    static Stream<Arguments> buffers() {
        IntFunction<ByteBuf> direct = capacity -> {
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(capacity);
            // The case exists for the address path: fail rather than test the other one twice.
            assertThat(b.hasMemoryAddress()).as("a pooled direct buffer has a memory address").isTrue();
            return b;
        };
        IntFunction<ByteBuf> heap = capacity -> UnpooledByteBufAllocator.DEFAULT.heapBuffer(capacity);
        return Stream.of(Arguments.of("direct", direct), Arguments.of("heap", heap));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("buffers")
    void pipelinedHeadsSplitAtEveryByteAndEveryPairOfBytes(String kind, IntFunction<ByteBuf> buffers) {
        byte[] bytes = HEADS.getBytes(StandardCharsets.ISO_8859_1);
        String whole = transcript(bytes, new int[0], buffers);
        assertThat(whole).as("the heads parse whole").contains("GET /a/b?q=1 11").contains("HEAD /other 10").endsWith("idle");
        for (int i = 0; i <= bytes.length; i++) {
            assertThat(transcript(bytes, new int[] {i}, buffers)).as("%s, cut at %d", kind, i).isEqualTo(whole);
        }
        for (int i = 0; i <= bytes.length; i++) {
            for (int j = i; j <= bytes.length; j += 3) { // every third second cut: a third of the pairs, every kind of cut
                assertThat(transcript(bytes, new int[] {i, j}, buffers)).as("%s, cuts at %d and %d", kind, i, j).isEqualTo(whole);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("buffers")
    void oneByteAtATime(String kind, IntFunction<ByteBuf> buffers) {
        byte[] bytes = HEADS.getBytes(StandardCharsets.ISO_8859_1);
        int[] cuts = new int[bytes.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertThat(transcript(bytes, cuts, buffers)).isEqualTo(transcript(bytes, new int[0], buffers));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("buffers")
    void crAndLfInDifferentReads(String kind, IntFunction<ByteBuf> buffers) {
        byte[] bytes = HEADS.getBytes(StandardCharsets.ISO_8859_1);
        String whole = transcript(bytes, new int[0], buffers);
        int lines = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\r') {
                lines++;
                assertThat(transcript(bytes, new int[] {i + 1}, buffers)).as("%s, CR | LF at %d", kind, i).isEqualTo(whole);
            }
        }
        assertThat(lines).isEqualTo(16);
    }

    /** A bare LF is refused today (400), whole or cut anywhere, in a request line and in a field line. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("buffers")
    void aBareLfIsRefusedWhereverTheReadsEnd(String kind, IntFunction<ByteBuf> buffers) {
        for (String request : new String[] {"GET / HTTP/1.1\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\n\n"}) {
            byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i <= bytes.length; i++) {
                assertThat(transcript(bytes, new int[] {i}, buffers)).as("%s %s cut at %d", kind, request, i).isEqualTo("refused 400\n");
            }
        }
    }

    /**
     * A field value is checked while its line is searched (a byte below SP or DEL sends the value
     * to the byte rule): every byte value at every place of a value, cut before it, after it, or
     * not at all, is accepted or refused as {@link io.jselectors.protocol.http.codec.HttpSyntax#isFieldValueByte} says.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("buffers")
    void everyByteAtEveryPlaceOfAValueIsJudgedByTheByteRule(String kind, IntFunction<ByteBuf> buffers) {
        byte[] prefix = "GET / HTTP/1.1\r\nHost: x\r\nX-Value: ".getBytes(StandardCharsets.ISO_8859_1);
        byte[] value = "abcdefghijklmnopqrs".getBytes(StandardCharsets.ISO_8859_1); // 19: two words and a tail, at any alignment
        byte[] suffix = "\r\nX-After: z\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int b = 0; b < 256; b++) {
            for (int place = 0; place < value.length; place++) {
                byte[] request = new byte[prefix.length + value.length + suffix.length];
                System.arraycopy(prefix, 0, request, 0, prefix.length);
                System.arraycopy(value, 0, request, prefix.length, value.length);
                System.arraycopy(suffix, 0, request, prefix.length + value.length, suffix.length);
                int at = prefix.length + place;
                request[at] = (byte) b;
                boolean valid = io.jselectors.protocol.http.codec.HttpSyntax.isFieldValueByte((byte) b);
                for (int[] cuts : new int[][] {{}, {at}, {at + 1}, {at - 3, at + 2}}) {
                    String transcript = transcript(request, cuts, buffers);
                    if (valid) {
                        assertThat(transcript).as("%s byte %d at %d, cuts %s", kind, b, place, java.util.Arrays.toString(cuts))
                                .contains("[X-After: z]").endsWith("idle");
                    } else {
                        assertThat(transcript).as("%s byte %d at %d, cuts %s", kind, b, place, java.util.Arrays.toString(cuts))
                                .isEqualTo("refused 400\n");
                    }
                }
            }
        }
    }

    /** The limits count the same bytes however the lines are cut: 414 and 431 at every cut. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("buffers")
    void limitsHoldAcrossCuts(String kind, IntFunction<ByteBuf> buffers) {
        String longLine = "GET /" + "a".repeat(HttpLimits.MAX_REQUEST_LINE) + " HTTP/1.1\r\nHost: x\r\n\r\n";
        String bigHead = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(HttpLimits.MAX_HEADER_BYTES) + "\r\n\r\n";
        String longestLine = "GET /" + "a".repeat(HttpLimits.MAX_REQUEST_LINE - 16) + " HTTP/1.1\r\nHost: x\r\n\r\n";
        for (int step : new int[] {1, 7, 8, 9, 500}) {
            assertThat(transcript(longLine.getBytes(StandardCharsets.ISO_8859_1), cutsEvery(longLine.length(), step), buffers))
                    .as("%s request line, reads of %d", kind, step).isEqualTo("refused 414\n");
            assertThat(transcript(bigHead.getBytes(StandardCharsets.ISO_8859_1), cutsEvery(bigHead.length(), step * 3), buffers))
                    .as("%s head, reads of %d", kind, step * 3).isEqualTo("refused 431\n");
            assertThat(transcript(longestLine.getBytes(StandardCharsets.ISO_8859_1), cutsEvery(longestLine.length(), step), buffers))
                    .as("%s request line at the limit, reads of %d", kind, step).endsWith("idle");
        }
    }

    private static int[] cutsEvery(int length, int step) {
        return java.util.stream.IntStream.iterate(step, i -> i < length, i -> i + step).toArray();
    }

    /**
     * Decodes {@code stream} arriving in reads that end at {@code cuts}, as {@link HttpHandler} does:
     * before each read is appended the bytes already parsed are discarded, so a partial line moves
     * to the front of the buffer; the reads go into one buffer of {@code buffers}' kind.
     */
    private static String transcript(byte[] stream, int[] cuts, IntFunction<ByteBuf> buffers) {
        ByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;
        RequestDecoder decoder = new RequestDecoder(alloc, HttpLimits.DEFAULT_MAX_BODY);
        StringBuilder out = new StringBuilder();
        ByteBuf in = buffers.apply(stream.length + 16);
        try {
            int from = 0;
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : stream.length;
                in.discardReadBytes();
                in.writeBytes(stream, from, to - from);
                from = to;
                if (decodeAll(decoder, in, out)) {
                    return out.toString();
                }
            }
            return out.append(decoder.betweenRequests() ? "idle" : "partial").toString();
        } finally {
            decoder.release();
            in.release();
        }
    }

    /** Decodes until the decoder needs more; returns whether it refused the input. */
    private static boolean decodeAll(RequestDecoder decoder, ByteBuf in, StringBuilder out) {
        while (true) {
            int result = decoder.decode(in);
            if (result == RequestDecoder.NEED_MORE) {
                return false;
            }
            if (result == RequestDecoder.ERROR) {
                out.append("refused ").append(decoder.errorStatus()).append('\n');
                return true;
            }
            assertThat(result).isEqualTo(RequestDecoder.REQUEST_DONE); // no bodies here
            HttpRequest request = decoder.request();
            out.append(request.method()).append(' ').append(request.target()).append(' ').append(request.version())
                    .append(" keep-alive=").append(decoder.head().keepAlive());
            for (int i = 0; i < request.headerCount(); i++) {
                out.append(" [").append(request.headerName(i)).append(": ").append(request.headerValue(i)).append(']');
            }
            out.append(" host=").append(request.header("HOST")).append(" x-long=").append(request.header("x-LONG"))
                    .append(" x-two=").append(request.headers("x-two")).append('\n');
            request.clear();
        }
    }
}
