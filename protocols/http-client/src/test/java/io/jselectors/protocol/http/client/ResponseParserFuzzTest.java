package io.jselectors.protocol.http.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jselectors.protocol.http.client.ResponseParser.MalformedResponseException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Coverage-guided fuzzing of the fetch client's {@link ResponseParser} (Jazzer): status lines,
 * fields, fixed, chunked and until-close bodies, interim responses. Under {@code ./mvnw verify} it
 * replays the seeds in {@code ResponseParserFuzzTestInputs/}; {@code scripts/fuzz.sh http-response
 * 10m} fuzzes it.
 *
 * <p>Properties, for any bytes, any number of body bytes kept and any way the bytes are cut into
 * reads: the outcome is the same as when they arrive whole (bytes used, done or not, status,
 * reason, body count and kept bytes, persistence, the error and its message, and what the end of
 * the stream means); a parser never uses bytes past the end of its response, never keeps more body
 * than asked, and only ever throws {@link MalformedResponseException}.
 */
class ResponseParserFuzzTest {

    /** Reads per input. */
    private static final int MAX_CUTS = 8;

    /** Body bytes kept: from none to a little, so both paths of keeping run. */
    private static final int MAX_KEPT = 64;

    @FuzzTest
    void responseIsReadTheSameWhereverItIsCut(FuzzedDataProvider data) {
        int keep = data.consumeInt(0, MAX_KEPT);
        int[] cuts = new int[data.consumeInt(0, MAX_CUTS)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, Integer.MAX_VALUE);
        }
        byte[] stream = data.consumeRemainingAsBytes();
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = cuts[i] % (stream.length + 1);
        }
        Arrays.sort(cuts);
        String whole = outcome(stream, new int[0], keep);
        String split = outcome(stream, cuts, keep);
        if (!whole.equals(split)) {
            assertThat(split).as("cut at %s, keeping %d", Arrays.toString(cuts), keep).isEqualTo(whole);
        }
    }

    private static String outcome(byte[] stream, int[] cuts, int keep) {
        ResponseParser parser = new ResponseParser(keep);
        StringBuilder out = new StringBuilder();
        int used = 0;
        int from = 0;
        try {
            for (int i = 0; i <= cuts.length && !parser.isDone(); i++) {
                int to = i < cuts.length ? cuts[i] : stream.length;
                int n = parser.feed(stream, from, to - from);
                if (n < 0 || n > to - from || (n < to - from && !parser.isDone())) {
                    throw new AssertionError("used " + n + " of " + (to - from) + " bytes, done=" + parser.isDone());
                }
                used += n;
                from = to;
            }
            if (parser.isDone() && parser.feed(stream, used, stream.length - used) != 0) {
                throw new AssertionError("a finished response took more bytes");
            }
            out.append("used=").append(used).append(" done=").append(parser.isDone());
            try {
                parser.endOfStream();
                out.append(" eof=ok");
            } catch (MalformedResponseException e) {
                out.append(" eof=").append(e.getMessage());
            }
        } catch (MalformedResponseException e) {
            out.append(" malformed: ").append(e.getMessage());
            return out.toString();
        }
        byte[] body = parser.body();
        if (body.length > keep || body.length > parser.bodyBytes()) {
            throw new AssertionError("kept " + body.length + " body bytes of " + parser.bodyBytes() + ", asked for " + keep);
        }
        return out.append(" status=").append(parser.status()).append(" reason=").append(parser.reason())
                .append(" body=").append(parser.bodyBytes()).append(':').append(HexFormat.of().formatHex(body))
                .append(" keep-alive=").append(parser.keepAlive()).toString();
    }
}
