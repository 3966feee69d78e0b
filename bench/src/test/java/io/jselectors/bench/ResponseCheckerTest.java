package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The load generator's response checker: framing across reads, and each way a response can be wrong. */
class ResponseCheckerTest {

    private static final String HELLO = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 13\r\n\r\nHello, World!";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static ResponseChecker checker() {
        return new ResponseChecker(bytes("Hello, World!"));
    }

    @Test
    void threePipelinedResponsesSplitAtEveryByte() {
        byte[] stream = bytes(HELLO + HELLO + "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!");
        for (int at = 0; at <= stream.length; at++) {
            ResponseChecker c = checker();
            assertThat(c.consume(stream, 0, at)).isTrue();
            assertThat(c.consume(stream, at, stream.length - at)).as("split at %d", at).isTrue();
            assertThat(c.responses()).isEqualTo(3);
            assertThat(c.non200()).isEqualTo(1);
            assertThat(c.error()).isNull();
        }
    }

    @Test
    void aWrongBodyIsAMismatch() {
        ResponseChecker c = checker();
        byte[] b = bytes(HELLO.replace("World", "Wurld"));
        assertThat(c.consume(b, 0, b.length)).isFalse();
        assertThat(c.mismatch()).isTrue();
        assertThat(c.error()).contains("differs");
        ResponseChecker shorter = checker();
        b = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nHe");
        assertThat(shorter.consume(b, 0, b.length)).isFalse();
        assertThat(shorter.error()).contains("2 bytes where 13");
    }

    @Test
    void anyBodyWhenNoneIsExpected() {
        ResponseChecker c = new ResponseChecker(null);
        byte[] b = bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcdHTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(c.consume(b, 0, b.length)).isTrue();
        assertThat(c.responses()).isEqualTo(2);
    }

    @Test
    void unsupportedOrBrokenFramingIsAnError() {
        assertError("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "Transfer-Encoding");
        assertError("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", "without Content-Length");
        assertError("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "invalid Content-Length");
        assertError("HTTP/2 200\r\n\r\n", "not an HTTP/1.x status line");
        assertError("HTTP/1.1 200 OK\r\nX: " + "a".repeat(ResponseChecker.MAX_HEAD) + "\r\n\r\n", "longer than");
    }

    private static void assertError(String response, String message) {
        ResponseChecker c = checker();
        byte[] b = bytes(response);
        assertThat(c.consume(b, 0, b.length)).as(response).isFalse();
        assertThat(c.error()).contains(message);
        assertThat(c.responses()).isZero();
    }
}
