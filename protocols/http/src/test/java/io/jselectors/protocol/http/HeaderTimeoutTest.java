package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Slowloris: the header section must be complete within the header timeout of the request's first byte. */
class HeaderTimeoutTest {

    @Test
    void aClientTricklingHeadersGets408AndIsClosed() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("GET /hello HTTP/1.1\r\n");
            for (int i = 0; i < 9; i++) {
                tester.advance(Duration.ofSeconds(1));
                connection.receive("X"); // a byte a second does not extend the deadline
            }
            assertThat(connection.isOpen()).isTrue();
            tester.advance(Duration.ofMillis(999));
            assertThat(connection.isOpen()).isTrue();
            tester.advance(Duration.ofMillis(1));
            ParsedResponse response = ParsedResponse.one(output(connection));
            assertThat(response.status()).isEqualTo(408);
            assertThat(connection.isOpen()).isFalse();
            assertThat(HttpTesting.counter(tester, HttpMeters.REJECTED, "reason", "timeout")).isEqualTo(1);
        }
    }

    @Test
    void theTimeoutIsAnOption() {
        try (ProtocolTester tester = ProtocolTester.builder(new HttpProtocol()).option("header-timeout", "2").build()) {
            TestConnection connection = tester.connect();
            connection.receive("GET /hello HTTP/1.1\r\nHo");
            tester.advance(Duration.ofSeconds(2));
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(408);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsNotTimedOutByIt() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            tester.advance(Duration.ofSeconds(30));
            connection.receive("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(200);
            tester.advance(Duration.ofSeconds(30));
            assertThat(connection.isOpen()).isTrue();
            assertThat(tester.loop().pendingTimers()).isZero();
        }
    }

    @Test
    void eachRequestGetsItsOwnDeadline() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("GET /hello HTTP/1.1\r\nHo");
            tester.advance(Duration.ofSeconds(8));
            connection.receive("st: x\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(200);
            tester.advance(Duration.ofSeconds(1));
            connection.receive("GET /hello HTTP/1.1\r\n"); // starts at t=9s: its deadline is t=19s
            tester.advance(Duration.ofSeconds(9));
            assertThat(connection.isOpen()).isTrue();
            connection.receive("Host: x\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(200);
            tester.advance(Duration.ofSeconds(60));
            assertThat(connection.isOpen()).isTrue();
        }
    }

    /** 2 KiB every 2 s: within the body timeout and at the minimum rate, 20 s in all, twice the header timeout. */
    @Test
    void aSlowBodyIsNotAHeaderTimeout() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            HttpTesting.addEchoRoute(tester);
            TestConnection connection = tester.connect();
            String piece = "x".repeat(2048);
            connection.receive("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + 10 * piece.length() + "\r\n\r\n");
            for (int i = 0; i < 10; i++) {
                tester.advance(Duration.ofSeconds(2));
                assertThat(connection.isOpen()).as("after %d pieces", i).isTrue();
                connection.receive(piece);
            }
            assertThat(ParsedResponse.one(output(connection)).body()).isEqualTo(piece.repeat(10));
        }
    }
}
