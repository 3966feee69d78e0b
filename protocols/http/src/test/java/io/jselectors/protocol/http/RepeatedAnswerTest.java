package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.http.ResponseEncoder.ConnectionField;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.jselectors.protocol.testkit.TestLoop;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A frozen response answered again the same way is written from its whole encoded form
 * ({@link DateCache#repeated}): those bytes must be exactly what encoding it piece by piece gives,
 * for every way of answering, and a change of Date line, connection field, method or route must
 * never reuse the previous answer's bytes.
 */
class RepeatedAnswerTest {

    private static final String GET_HELLO = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void repeatedAnswersAreTheBytesOfTheFirst() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive(GET_HELLO.repeat(5)); // the first is encoded piece by piece, the later ones whole
            String all = output(connection);
            String first = all.substring(0, all.length() / 5);
            assertThat(all).isEqualTo(first.repeat(5));
            ParsedResponse response = ParsedResponse.one(first);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("Hello, World!");
            assertThat(response.header("Connection")).isNull();
        }
    }

    @Test
    void eachWayOfAnsweringKeepsItsOwnFields() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            // HEAD twice: the header section alone, the second from the whole encoded form.
            connection.receive("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n".repeat(2));
            String heads = output(connection);
            String head = heads.substring(0, heads.length() / 2);
            assertThat(heads).isEqualTo(head.repeat(2));
            assertThat(head).startsWith("HTTP/1.1 200 ").contains("Content-Length: 13\r\n").endsWith("\r\n\r\n")
                    .doesNotContain("Hello");

            connection.receive("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".repeat(2)
                    + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + GET_HELLO + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                    + GET_HELLO + GET_HELLO + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            List<ParsedResponse> responses = ParsedResponse.all(output(connection));
            assertThat(responses).extracting(ParsedResponse::status).containsOnly(200).hasSize(8);
            assertThat(responses).extracting(ParsedResponse::body).containsExactly("Hello, World!", "Hello, World!",
                    "ok", "Hello, World!", "ok", "Hello, World!", "Hello, World!", "Hello, World!");
            assertThat(responses).extracting(r -> r.header("Connection")).containsExactly("keep-alive", "keep-alive",
                    null, null, null, null, null, "close");
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void aNewDateLineIsNeverAnsweredWithTheOldBytes() {
        AtomicLong wallMillis = new AtomicLong(1_735_787_045_000L); // Thu, 02 Jan 2025 03:04:05 GMT
        Clock clock = HttpTesting.wallClock(wallMillis);
        TestLoop loop = new TestLoop();
        DateCache cache = new DateCache(loop, clock);
        HttpResponse hello = HttpResponse.text(200, "Hello, World!").freeze();
        HttpResponse unfrozen = HttpResponse.text(200, "Hello, World!");
        ConnectionField none = ConnectionField.NONE;

        byte[] line = cache.line();
        assertThat(cache.repeated(hello, line, none, false)).as("first sighting").isNull();
        byte[] whole = cache.repeated(hello, line, none, false);
        assertThat(new String(whole, StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(ResponseEncoder.encode(hello, line, none, false), StandardCharsets.ISO_8859_1))
                .contains("Date: Thu, 02 Jan 2025 03:04:05 GMT\r\n").endsWith("\r\n\r\nHello, World!");
        assertThat(cache.repeated(hello, line, none, false)).isSameAs(whole);
        assertThat(cache.repeated(hello, line, ConnectionField.CLOSE, false)).as("another connection field").isNull();
        assertThat(cache.repeated(unfrozen, line, none, false)).as("a response that may still change").isNull();
        assertThat(cache.repeated(unfrozen, line, none, false)).isNull();

        wallMillis.addAndGet(1000);
        loop.advance(Duration.ofSeconds(1));
        byte[] next = cache.line();
        assertThat(cache.repeated(hello, line, none, false)).isNull();
        assertThat(cache.repeated(hello, next, none, false)).as("a new Date line: first sighting again").isNull();
        assertThat(new String(cache.repeated(hello, next, none, false), StandardCharsets.ISO_8859_1))
                .contains("Date: Thu, 02 Jan 2025 03:04:06 GMT\r\n");
    }
}
