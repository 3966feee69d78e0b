package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.jselectors.protocol.testkit.TestLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResponseTest {

    @Test
    void fieldsThatCouldSplitAResponseAreRefused() {
        HttpResponse response = HttpResponse.text(200, "x");
        assertThatThrownBy(() -> response.header("X-A", "1\r\nSet-Cookie: evil")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> response.header("X A", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> response.header("Content-Length", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> response.header("connection", "close")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpResponse.text(99, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFrozenResponseCannotChange() {
        HttpResponse response = HttpResponse.text(200, "x").freeze();
        assertThatThrownBy(() -> response.header("X-A", "1")).isInstanceOf(IllegalStateException.class);
        assertThat(new String(response.head(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("HTTP/1.1 200 OK\r\nServer: jselectors\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n");
    }

    @Test
    void noContentResponsesHaveNoLength() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            tester.context().sharedState(HttpListenerState.class).routes().add("/none", request -> HttpResponse.empty(204), "DELETE");
            TestConnection connection = tester.connect();
            connection.receive("DELETE /none HTTP/1.1\r\nHost: x\r\n\r\n");
            String out = output(connection);
            assertThat(out).startsWith("HTTP/1.1 204 No Content\r\n").doesNotContain("Content-Length").endsWith("\r\n\r\n");
        }
    }

    @Test
    void theDateIsFormattedAtMostOnceASecondOfTheLoopClock() {
        AtomicLong wallMillis = new AtomicLong(Instant.parse("2025-01-02T03:04:05Z").toEpochMilli());
        Clock clock = HttpTesting.wallClock(wallMillis);
        TestLoop loop = new TestLoop();
        DateCache cache = new DateCache(loop, clock);
        byte[] first = cache.line();
        assertThat(new String(first, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("Date: Thu, 02 Jan 2025 03:04:05 GMT\r\n");
        wallMillis.addAndGet(5000);
        loop.advance(Duration.ofMillis(999));
        assertThat(cache.line()).isSameAs(first);
        loop.advance(Duration.ofMillis(1));
        assertThat(new String(cache.line(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("Date: Thu, 02 Jan 2025 03:04:10 GMT\r\n");
    }

    @Test
    void datesParseBack() {
        assertThat(DateCache.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(784111777L);
        assertThat(DateCache.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(-1);
        assertThat(DateCache.format(784111777000L)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    @Test
    void shutdownClosesAnIdleConnectionAndEndsABusyOneAfterItsRequest() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection idle = tester.connect();
            idle.shutdown();
            assertThat(idle.isOpen()).isFalse();

            TestConnection busy = tester.connect();
            busy.receive("GET /hello HTTP/1.1\r\nHost: x\r\n");
            busy.shutdown();
            assertThat(busy.isOpen()).isTrue();
            busy.receive("\r\n");
            ParsedResponse response = ParsedResponse.one(output(busy));
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(busy.isOpen()).isFalse();
        }
    }

    @Test
    void routesAddedLaterAreServedAndCanBeRemoved() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            HttpRoutes routes = tester.context().sharedState(HttpListenerState.class).routes();
            TestConnection connection = tester.connect();
            routes.add("/metrics", request -> HttpResponse.text(200, "up 1\n"));
            connection.receive("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).body()).isEqualTo("up 1\n");
            assertThat(routes.remove("/metrics")).isTrue();
            connection.receive("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(404);
        }
    }
}
