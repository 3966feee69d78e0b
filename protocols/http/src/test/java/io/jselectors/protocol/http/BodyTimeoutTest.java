package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The timers a client cannot reset by trickling bytes, on the tester's clock: empty lines before a
 * request start the header timer, a body must keep coming (body timeout) and keep up a minimum
 * average rate.
 */
class BodyTimeoutTest {

    private static final String HEAD_1MIB = "POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n";

    @Test
    void emptyLinesStartTheHeaderTimerAndDoNotExtendIt() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("\r\n");
            for (int i = 0; i < 3; i++) {
                tester.advance(Duration.ofSeconds(3));
                connection.receive("\r\n");
            }
            tester.advance(Duration.ofMillis(999)); // 9.999 s after the first CRLF
            assertThat(connection.isOpen()).isTrue();
            tester.advance(Duration.ofMillis(1));
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(408);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void aBodyThatStopsGets408AtTheBodyTimeout() {
        try (ProtocolTester tester = ProtocolTester.builder(new HttpProtocol()).option("min-body-rate", "0").build()) {
            TestConnection connection = tester.connect();
            connection.receive(HEAD_1MIB + "x".repeat(100));
            tester.advance(Duration.ofSeconds(9));
            connection.receive("y"); // a read restarts the wait
            tester.advance(Duration.ofSeconds(9));
            assertThat(connection.isOpen()).isTrue();
            tester.advance(Duration.ofSeconds(1));
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(408);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void aByteJustInsideEveryBodyTimeoutStillMeetsTheMinimumRate() {
        try (ProtocolTester tester = ProtocolTester.builder(new HttpProtocol()).option("body-timeout", "5s").build()) {
            TestConnection connection = tester.connect();
            connection.receive(HEAD_1MIB);
            // 1 byte every 4 s: never 5 s without a read, but far below 1 KiB/s. The budget is the
            // body timeout plus a second per KiB received: a little over 5 s.
            tester.advance(Duration.ofSeconds(4));
            connection.receive("x");
            assertThat(connection.isOpen()).isTrue();
            tester.advance(Duration.ofSeconds(1));
            assertThat(connection.isOpen()).isTrue();
            tester.advance(Duration.ofMillis(1));
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(408);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void aBodyAtTheMinimumRateIsNeverCut() {
        try (ProtocolTester tester = ProtocolTester.builder(new HttpProtocol()).option("body-timeout", "500ms").build()) {
            HttpTesting.addEchoRoute(tester);
            TestConnection connection = tester.connect();
            String kib = "k".repeat(1024);
            connection.receive("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + 30 * kib.length() + "\r\n\r\n");
            for (int i = 0; i < 30; i++) {
                tester.advance(Duration.ofMillis(400));
                connection.receive(kib); // 2.5 KiB/s, a read every 0.4 s
            }
            assertThat(ParsedResponse.one(output(connection)).body()).hasSize(30 * 1024);
        }
    }
}
