package io.jselectors.protocol.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.http.client.ResponseParser.MalformedResponseException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The incremental response parser: framing, splits at every byte, and the errors it must not forgive. */
class ResponseParserTest {

    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nHello\r\n8\r\n, World!\r\n0\r\nX-Trailer: t\r\n\r\n";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Feeds all of {@code text} in two pieces split at {@code at}; returns bytes used. */
    private static int feedSplit(ResponseParser p, byte[] b, int at) throws MalformedResponseException {
        int used = p.feed(b, 0, at);
        if (!p.isDone()) {
            used += p.feed(b, at, b.length - at);
        }
        return used;
    }

    @Test
    void contentLengthBodySplitAtEveryByte() throws Exception {
        byte[] response = bytes("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, World!");
        for (int at = 0; at <= response.length; at++) {
            ResponseParser p = new ResponseParser(100);
            assertThat(feedSplit(p, response, at)).as("split at %d", at).isEqualTo(response.length);
            assertThat(p.isDone()).isTrue();
            assertThat(p.status()).isEqualTo(200);
            assertThat(p.reason()).isEqualTo("OK");
            assertThat(new String(p.body(), StandardCharsets.US_ASCII)).isEqualTo("Hello, World!");
            assertThat(p.header("content-type")).isEqualTo("text/plain");
            assertThat(p.keepAlive()).isTrue();
        }
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersSplitAtEveryByte() throws Exception {
        byte[] response = bytes(CHUNKED);
        for (int at = 0; at <= response.length; at++) {
            ResponseParser p = new ResponseParser(100);
            assertThat(feedSplit(p, response, at)).as("split at %d", at).isEqualTo(response.length);
            assertThat(p.isDone()).isTrue();
            assertThat(p.bodyBytes()).isEqualTo(13);
            assertThat(new String(p.body(), StandardCharsets.US_ASCII)).isEqualTo("Hello, World!");
            assertThat(p.keepAlive()).isTrue();
        }
    }

    @Test
    void oneByteAtATimeAndBytesAfterTheResponseAreLeftUnused() throws Exception {
        byte[] response = bytes(CHUNKED + "HTTP/1.1 200 OK\r\n");
        ResponseParser p = new ResponseParser(0);
        int used = 0;
        while (!p.isDone()) {
            used += p.feed(response, used, 1);
        }
        assertThat(used).isEqualTo(CHUNKED.length());
        assertThat(p.body()).isEmpty();
        assertThat(p.bodyBytes()).isEqualTo(13);
    }

    @Test
    void bodyUntilCloseEndsAtEndOfStreamAndIsNotKeptAlive() throws Exception {
        ResponseParser p = new ResponseParser(0);
        byte[] b = bytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome bytes");
        p.feed(b, 0, b.length);
        assertThat(p.isDone()).isFalse();
        p.endOfStream();
        assertThat(p.isDone()).isTrue();
        assertThat(p.bodyBytes()).isEqualTo(10);
        assertThat(p.keepAlive()).isFalse();
    }

    @Test
    void interimResponsesAreSkippedAnd204And304HaveNoBody() throws Exception {
        ResponseParser p = new ResponseParser(0);
        byte[] b = bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        assertThat(p.feed(b, 0, b.length)).isEqualTo(b.length);
        assertThat(p.isDone()).isTrue();
        assertThat(p.status()).isEqualTo(204);
        p.reset();
        b = bytes("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n");
        p.feed(b, 0, b.length);
        assertThat(p.isDone()).isTrue();
        assertThat(p.bodyBytes()).isZero();
    }

    @Test
    void keepAliveFollowsVersionAndConnectionHeader() throws Exception {
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive()).isTrue();
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: foo, close\r\n\r\n").keepAlive()).isFalse();
        // Both framings: Transfer-Encoding wins, and the connection is not trusted afterwards.
        ResponseParser both = parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertThat(both.isDone()).isTrue();
        assertThat(both.bodyBytes()).isZero();
        assertThat(both.keepAlive()).isFalse();
    }

    @Test
    void lenientWhereAClientMayBe() throws Exception {
        ResponseParser p = parse("HTTP/1.1 200\nContent-Length: 2\nX-Folded: a\n b\n\nok");
        assertThat(p.isDone()).isTrue();
        assertThat(p.reason()).isEmpty();
        assertThat(p.header("x-folded")).isEqualTo("a b");
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok").isDone()).isTrue();
    }

    @Test
    void malformedResponsesAreErrorsThatSayWhy() {
        assertMalformed("HTTP/2 200 OK\r\n\r\n", "not an HTTP/1.x status line");
        assertMalformed("HTTP/1.1 20 OK\r\n\r\n", "not an HTTP/1.x status line");
        assertMalformed("SSH-2.0-OpenSSH\r\n", "not an HTTP/1.x status line");
        assertMalformed("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\n", "whitespace between");
        assertMalformed("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "without a field name");
        assertMalformed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", "conflicting Content-Length");
        assertMalformed("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n", "not followed by CRLF");
        assertMalformed("HTTP/1.1 101 Switching Protocols\r\n\r\n", "101");
        assertMalformed("HTTP/1.1 200 OK\r\nX: " + "a".repeat(ResponseParser.MAX_LINE) + "\r\n\r\n", "longer than");
    }

    @Test
    void aResponseCutShortSaysWhere() throws Exception {
        ResponseParser p = new ResponseParser(0);
        assertThatThrownBy(p::endOfStream).hasMessage("connection closed before any response");
        byte[] b = bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        p.feed(b, 0, b.length);
        assertThat(p.started()).isTrue();
        assertThatThrownBy(p::endOfStream).hasMessage("connection closed after 3 of 10 body bytes");
    }

    private static ResponseParser parse(String text) throws MalformedResponseException {
        ResponseParser p = new ResponseParser(1024);
        byte[] b = bytes(text);
        p.feed(b, 0, b.length);
        return p;
    }

    private static void assertMalformed(String text, String message) {
        assertThatThrownBy(() -> parse(text)).as(text).isInstanceOf(MalformedResponseException.class).hasMessageContaining(message);
    }
}
