package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.addEchoRoute;
import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refused request gets exactly one response with the right status, and its connection closes. */
class MalformedRequestTest {

    private static final String OK = "Host: x\r\n";

    static Stream<Arguments> refused() {
        return Stream.of(
                // request line
                Arguments.of("no target", "GET HTTP/1.1\r\n" + OK + "\r\n", 400),
                Arguments.of("double space", "GET  /hello HTTP/1.1\r\n" + OK + "\r\n", 400),
                Arguments.of("tab separator", "GET\t/hello HTTP/1.1\r\n" + OK + "\r\n", 400),
                Arguments.of("bare LF ends the request line", "GET /hello HTTP/1.1\n" + OK + "\r\n", 400),
                Arguments.of("bare CR in the request line", "GET /he\rllo HTTP/1.1\r\n" + OK + "\r\n", 400),
                Arguments.of("lower-case version", "GET /hello http/1.1\r\n" + OK + "\r\n", 400),
                Arguments.of("trailing space", "GET /hello HTTP/1.1 \r\n" + OK + "\r\n", 400),
                Arguments.of("non-token method", "G(T /hello HTTP/1.1\r\n" + OK + "\r\n", 400),
                Arguments.of("relative target", "GET hello HTTP/1.1\r\n" + OK + "\r\n", 400),
                Arguments.of("control character in target", "GET /a\u0001b HTTP/1.1\r\n" + OK + "\r\n", 400),
                Arguments.of("HTTP/2.0", "GET /hello HTTP/2.0\r\n" + OK + "\r\n", 505),
                Arguments.of("request line over 8 KiB", "GET /" + "a".repeat(HttpLimits.MAX_REQUEST_LINE) + " HTTP/1.1\r\n" + OK + "\r\n", 414),
                Arguments.of("endless request line", "GET /" + "a".repeat(HttpLimits.MAX_REQUEST_LINE + 10), 414),
                // header fields
                Arguments.of("whitespace before the colon", "GET /hello HTTP/1.1\r\n" + OK + "Accept : */*\r\n\r\n", 400),
                Arguments.of("obs-fold", "GET /hello HTTP/1.1\r\n" + OK + "X-A: 1\r\n  continued\r\n\r\n", 400),
                Arguments.of("field without a colon", "GET /hello HTTP/1.1\r\n" + OK + "Accept\r\n\r\n", 400),
                Arguments.of("empty field name", "GET /hello HTTP/1.1\r\n" + OK + ": v\r\n\r\n", 400),
                Arguments.of("bad character in a name", "GET /hello HTTP/1.1\r\n" + OK + "X(A): 1\r\n\r\n", 400),
                Arguments.of("bare CR in a value", "GET /hello HTTP/1.1\r\n" + OK + "X-A: 1\r2\r\n\r\n", 400),
                Arguments.of("NUL in a value", "GET /hello HTTP/1.1\r\n" + OK + "X-A: 1\u00002\r\n\r\n", 400),
                Arguments.of("bare LF ends a field", "GET /hello HTTP/1.1\r\n" + OK + "X-A: 1\n\r\n", 400),
                Arguments.of("missing Host in HTTP/1.1", "GET /hello HTTP/1.1\r\n\r\n", 400),
                Arguments.of("two Hosts", "GET /hello HTTP/1.1\r\n" + OK + OK + "\r\n", 400),
                Arguments.of("101 fields", "GET /hello HTTP/1.1\r\n" + OK + "X-A: 1\r\n".repeat(HttpLimits.MAX_HEADER_COUNT) + "\r\n", 431),
                Arguments.of("header section over 32 KiB", "GET /hello HTTP/1.1\r\n" + OK + ("X-A: " + "b".repeat(1000) + "\r\n").repeat(33) + "\r\n", 431),
                Arguments.of("endless field", "GET /hello HTTP/1.1\r\n" + OK + "X-A: " + "b".repeat(HttpLimits.MAX_HEADER_BYTES), 431),
                // framing
                Arguments.of("Content-Length and Transfer-Encoding", "POST /echo HTTP/1.1\r\n" + OK
                        + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding then Content-Length", "POST /echo HTTP/1.1\r\n" + OK
                        + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
                Arguments.of("conflicting Content-Length fields", "POST /echo HTTP/1.1\r\n" + OK + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
                Arguments.of("conflicting Content-Length list", "POST /echo HTTP/1.1\r\n" + OK + "Content-Length: 3, 4\r\n\r\nabcd", 400),
                Arguments.of("signed Content-Length", "POST /echo HTTP/1.1\r\n" + OK + "Content-Length: +3\r\n\r\nabc", 400),
                Arguments.of("hex Content-Length", "POST /echo HTTP/1.1\r\n" + OK + "Content-Length: 0x3\r\n\r\nabc", 400),
                Arguments.of("chunked not last", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
                Arguments.of("chunked twice", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                Arguments.of("only gzip", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: gzip\r\n\r\n", 400),
                Arguments.of("unknown coding before chunked", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
                Arguments.of("identity", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: identity\r\n\r\n", 400),
                Arguments.of("chunked in HTTP/1.0", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("chunk size not hex", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
                Arguments.of("chunk size with a sign", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: chunked\r\n\r\n-1\r\n", 400),
                Arguments.of("chunk data longer than its size", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", 400),
                Arguments.of("chunk size line ends in bare LF", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: chunked\r\n\r\n2\nab\r\n0\r\n\r\n", 400),
                Arguments.of("obs-fold in a trailer", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n 2\r\n\r\n", 400),
                // size
                Arguments.of("Content-Length over max-body", "POST /echo HTTP/1.1\r\n" + OK + "Content-Length: 1048577\r\n\r\n", 413),
                Arguments.of("absurd Content-Length", "POST /echo HTTP/1.1\r\n" + OK + "Content-Length: 99999999999999999999999\r\n\r\n", 413),
                Arguments.of("chunks over max-body", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: chunked\r\n\r\n100001\r\n", 413),
                Arguments.of("chunk size overflowing a long", "POST /echo HTTP/1.1\r\n" + OK + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n", 413),
                Arguments.of("unknown expectation", "POST /echo HTTP/1.1\r\n" + OK + "Expect: 200-ok\r\nContent-Length: 1\r\n\r\na", 417));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void isAnsweredThenClosed(String what, String request, int status) {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            addEchoRoute(tester);
            TestConnection connection = tester.connect();
            connection.receive(HttpTesting.latin1(request));
            String out = output(connection);
            ParsedResponse response = ParsedResponse.one(out);
            assertThat(response.status()).as(out).isEqualTo(status);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(connection.isOpen()).isFalse();
            assertThat(HttpTesting.counter(tester, HttpMeters.REJECTED, "reason", String.valueOf(status))).isEqualTo(1);
        }
    }

    /** The refused requests short enough to send byte by byte quickly (the long ones only repeat a byte). */
    static Stream<Arguments> refusedShort() {
        return refused().filter(arguments -> ((String) arguments.get()[1]).length() < 2048);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedShort")
    void isAnsweredThenClosedWhenSentOneByteAtATime(String what, String request, int status) {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            addEchoRoute(tester);
            TestConnection connection = tester.connect();
            byte[] bytes = HttpTesting.latin1(request);
            for (int i = 0; i < bytes.length && connection.isOpen() && !connection.isClosing(); i++) {
                connection.receive(new byte[] {bytes[i]});
            }
            ParsedResponse response = ParsedResponse.one(output(connection));
            assertThat(response.status()).isEqualTo(status);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void aValidRequestBeforeIsStillAnswered(String what, String request, int status) {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            addEchoRoute(tester);
            TestConnection connection = tester.connect();
            connection.receive(HttpTesting.latin1("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n" + request));
            assertThat(ParsedResponse.all(output(connection))).extracting(ParsedResponse::status).containsExactly(200, status);
            assertThat(connection.isOpen()).isFalse();
        }
    }
}
