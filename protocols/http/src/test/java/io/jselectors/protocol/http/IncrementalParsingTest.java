package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.addEchoRoute;
import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** However the bytes of requests are split into reads, the answers are the same. */
class IncrementalParsingTest {

    private static final String REQUESTS = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
            + "PUT /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nabcde\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "GET /hello HTTP/1.1\r\nhost: x\r\nX-Long: " + "v".repeat(300) + "\r\n\r\n"
            + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";

    private static final List<String> BODIES = List.of("hello world", "abcde0123456789", "Hello, World!", "");

    @Test
    void splitInTwoAtEveryByte() {
        byte[] bytes = HttpTesting.latin1(REQUESTS);
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            addEchoRoute(tester);
            for (int split = 0; split <= bytes.length; split++) {
                TestConnection connection = tester.connect();
                connection.receive(Arrays.copyOfRange(bytes, 0, split));
                connection.receive(Arrays.copyOfRange(bytes, split, bytes.length));
                assertThat(ParsedResponse.all(output(connection))).as("split at %d", split)
                        .extracting(ParsedResponse::body).containsExactlyElementsOf(BODIES);
                assertThat(connection.isOpen()).isTrue();
            }
        }
    }

    @Test
    void oneByteAtATime() {
        byte[] bytes = HttpTesting.latin1(REQUESTS);
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            addEchoRoute(tester);
            TestConnection connection = tester.connect();
            for (byte b : bytes) {
                connection.receive(new byte[] {b});
            }
            assertThat(ParsedResponse.all(output(connection))).extracting(ParsedResponse::body).containsExactlyElementsOf(BODIES);
        }
    }

    @Test
    void aBodyOfExactlyMaxBodyIsAccepted() {
        try (ProtocolTester tester = ProtocolTester.builder(new HttpProtocol()).option("max-body", "100").build()) {
            addEchoRoute(tester);
            TestConnection connection = tester.connect();
            connection.receive("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "a".repeat(100));
            assertThat(ParsedResponse.one(output(connection)).body()).hasSize(100);
            connection.receive("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" + "b".repeat(50)
                    + "\r\n33\r\n" + "c".repeat(51) + "\r\n0\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(413);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void equalContentLengthValuesAreOneLength() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            addEchoRoute(tester);
            TestConnection connection = tester.connect();
            connection.receive("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\ncontent-length: 2, 2\r\n\r\nok");
            assertThat(ParsedResponse.one(output(connection)).body()).isEqualTo("ok");
        }
    }

    @Test
    void aClientThatDoesNotReadIsNotReadEither() {
        String hello = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
        int perRead = 1000;
        int reads = 5; // enough to fill the water mark and MAX_BUFFERED_INPUT, then some
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect().socketCapacity(0);
            for (int i = 0; i < reads; i++) {
                connection.receive(hello.repeat(perRead));
            }
            assertThat(connection.isReadingPaused()).isTrue();
            assertThat(connection.unreadBytes()).isPositive();
            // answers held: about one water mark (plus one output buffer), not 5,000 responses
            assertThat(connection.pendingWriteBytes()).isLessThan(TestConnection.HIGH_WATER_MARK + 8 * 1024);

            connection.socketCapacity(TestConnection.UNLIMITED);
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 10_000 && all.length() < reads * perRead * 100; i++) {
                all.append(output(connection));
            }
            assertThat(ParsedResponse.all(all.toString())).hasSize(reads * perRead).allMatch(r -> r.status() == 200);
            assertThat(connection.isReadingPaused()).isFalse();
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void peerHalfCloseAfterRequestsAnswersThemThenCloses() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /hel");
            connection.peerShutdownOutput();
            assertThat(ParsedResponse.all(output(connection))).extracting(ParsedResponse::status).containsExactly(200, 200);
            assertThat(connection.isOpen()).isFalse();
        }
    }
}
