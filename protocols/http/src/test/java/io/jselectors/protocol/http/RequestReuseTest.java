package io.jselectors.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * One connection's decoder reuses its request object: what a request's fields said (a value made
 * into a string, a transfer coding) must not show through in the next request's.
 */
class RequestReuseTest {

    private final RequestDecoder decoder = new RequestDecoder(UnpooledByteBufAllocator.DEFAULT, HttpLimits.DEFAULT_MAX_BODY);

    private HttpRequest decode(String request) {
        ByteBuf in = Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1);
        try {
            assertThat(decoder.decode(in)).as(request).isEqualTo(RequestDecoder.REQUEST_DONE);
            assertThat(in.isReadable()).isFalse();
            return decoder.request();
        } finally {
            in.release();
        }
    }

    @Test
    void aValueAskedForInOneRequestIsNotTheNextOnesAtTheSameIndex() {
        HttpRequest first = decode("GET /a HTTP/1.1\r\nHost: x\r\nX-One: first\r\n\r\n");
        assertThat(first.headerValue(1)).isEqualTo("first");
        first.clear();
        HttpRequest second = decode("GET /a HTTP/1.1\r\nHost: x\r\nX-Two: second\r\n\r\n");
        assertThat(second.headerName(1)).isEqualTo("X-Two");
        assertThat(second.headerValue(1)).isEqualTo("second");
        assertThat(second.header("X-One")).isNull();
    }

    @Test
    void valuesAskedForBeyondTheFirstArraysSurviveGrowingAndAreForgottenAfter() {
        StringBuilder many = new StringBuilder("GET /a HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 40; i++) {
            many.append("X-F").append(i).append(": v").append(i).append("\r\n");
            if (i == 3) {
                many.append("X-Early: early\r\n");
            }
        }
        HttpRequest request = decode(many.append("\r\n").toString());
        assertThat(request.headerCount()).isEqualTo(42);
        assertThat(request.header("X-Early")).isEqualTo("early");
        assertThat(request.headerValue(41)).isEqualTo("v39");
        request.clear();
        HttpRequest next = decode("GET /a HTTP/1.1\r\nHost: y\r\nX-Late: late\r\n\r\n");
        assertThat(next.headerValue(0)).isEqualTo("y");
        assertThat(next.headerValue(1)).isEqualTo("late");
        assertThat(next.header("X-Early")).isNull();
    }

    @Test
    void aChunkedRequestLeavesNoCodingToTheNextOne() {
        ByteBuf in = Unpooled.copiedBuffer("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                StandardCharsets.ISO_8859_1);
        try {
            assertThat(decoder.decode(in)).isEqualTo(RequestDecoder.HEADERS_DONE);
            assertThat(decoder.head().chunked()).isTrue();
            assertThat(decoder.decode(in)).isEqualTo(RequestDecoder.REQUEST_DONE);
            assertThat(decoder.request().bodyAsString()).isEqualTo("abc");
        } finally {
            in.release();
        }
        decoder.release();
        decode("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(decoder.head().chunked()).isFalse();
        assertThat(decoder.head().expectContinue()).isFalse();
    }
}
