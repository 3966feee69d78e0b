package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.addEchoRoute;
import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class HttpProtocolTest {

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(Protocol.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(p -> {
                    assertThat(p.name()).isEqualTo("http");
                    assertThat(p.defaultPort()).isEqualTo(8080);
                });
    }

    @Test
    void helloIsPlainTextWithDateAndKeepsTheConnection() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            ParsedResponse response = ParsedResponse.one(output(connection));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("Hello, World!");
            assertThat(response.header("Content-Type")).isEqualTo("text/plain");
            assertThat(response.header("Content-Length")).isEqualTo("13");
            assertThat(response.header("Date")).matches("\\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
            assertThat(response.header("Connection")).isNull();
            assertThat(connection.isOpen()).isTrue();

            connection.receive("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).body()).isEqualTo("Hello, World!");
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void homePageAndHealth() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
            List<ParsedResponse> responses = ParsedResponse.all(output(connection));
            assertThat(responses).extracting(ParsedResponse::status).containsExactly(200, 200, 404);
            assertThat(responses.get(0).header("Content-Type")).startsWith("text/html");
            assertThat(responses.get(0).body()).contains("jselectors");
            assertThat(responses.get(1).body()).isEqualTo("ok");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            addEchoRoute(tester);
            TestConnection connection = tester.connect();
            connection.receive("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
                    + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo?n=2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"
                    + "HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            String all = output(connection);
            // HEAD has no body: split it off by hand
            int head = all.indexOf("HTTP/1.1 200 OK", all.indexOf("\r\n\r\ntwo") + 1);
            List<ParsedResponse> first = ParsedResponse.all(all.substring(0, head));
            assertThat(first).extracting(ParsedResponse::body).containsExactly("Hello, World!", "one", "ok", "two");
            assertThat(first.get(3).header("X-Target")).isEqualTo("/echo?n=2");
            String rest = all.substring(head);
            int headEnd = rest.indexOf("\r\n\r\n") + 4;
            assertThat(rest.substring(0, headEnd)).contains("Content-Length: 13\r\n");
            assertThat(ParsedResponse.one(rest.substring(headEnd)).body()).isEqualTo("Hello, World!");
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            String get = output(connection);
            connection.receive("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            String head = output(connection);
            assertThat(head).isEqualTo(get.substring(0, get.length() - "Hello, World!".length()));
            connection.receive("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).body()).isEqualTo("ok");
        }
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection keep = tester.connect();
            keep.receive("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            ParsedResponse response = ParsedResponse.one(output(keep));
            assertThat(response.header("Connection")).isEqualTo("keep-alive");
            assertThat(keep.isOpen()).isTrue();
            keep.receive("GET /hello HTTP/1.0\r\n\r\n");
            assertThat(ParsedResponse.one(output(keep)).header("Connection")).isEqualTo("close");
            assertThat(keep.isOpen()).isFalse();

            TestConnection once = tester.connect();
            once.receive("GET /hello HTTP/1.0\r\n\r\nGET /hello HTTP/1.0\r\n\r\n");
            ParsedResponse only = ParsedResponse.one(output(once));
            assertThat(only.body()).isEqualTo("Hello, World!");
            assertThat(only.header("Connection")).isEqualTo("close");
            assertThat(once.isOpen()).isFalse();
        }
    }

    @Test
    void connectionCloseIsHonoured() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            ParsedResponse response = ParsedResponse.one(output(connection));
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void expectContinueGetsAnInterimResponseBeforeTheBody() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            addEchoRoute(tester);
            TestConnection connection = tester.connect();
            connection.receive("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(output(connection)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            connection.receive("hello");
            assertThat(ParsedResponse.one(output(connection)).body()).isEqualTo("hello");

            connection.receive("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2000000\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(413);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void expectContinueIsIgnoredForHttp10() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            addEchoRoute(tester);
            TestConnection connection = tester.connect();
            connection.receive("POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
            assertThat(output(connection)).isEmpty();
            connection.receive("hi");
            assertThat(ParsedResponse.one(output(connection)).body()).isEqualTo("hi");
        }
    }

    @Test
    void methodNotAllowedListsTheRouteMethods() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\nBREW /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            List<ParsedResponse> responses = ParsedResponse.all(output(connection));
            assertThat(responses).extracting(ParsedResponse::status)
                    .as("a known method the route does not take, then a method nobody implements (RFC 9110 section 9.1)")
                    .containsExactly(405, 501);
            assertThat(responses.get(0).header("Allow")).isEqualTo("GET, HEAD");
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void aRouteThatThrowsGets500AndTheConnectionLives() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            tester.context().sharedState(HttpListenerState.class).routes().add("/boom", request -> {
                throw new IllegalStateException("boom");
            });
            TestConnection connection = tester.connect();
            connection.receive("GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(ParsedResponse.all(output(connection))).extracting(ParsedResponse::status).containsExactly(500, 200);
        }
    }

    @Test
    void absoluteFormTargetsRouteByPath() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("GET http://example.com/hello?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void countsRequestsByMethodAndStatusClass() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nHEAD /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(HttpTesting.counter(tester, HttpMeters.REQUESTS, "method", "GET", "status", "2xx")).isEqualTo(2);
            assertThat(HttpTesting.counter(tester, HttpMeters.REQUESTS, "method", "HEAD", "status", "4xx")).isEqualTo(1);
            assertThat(tester.meterRegistry().find(HttpMeters.DURATION).functionTimer().count()).isEqualTo(3);
        }
    }

    @Test
    void everyPipelinedAnswerIsTimedOnceEvenBeyondOneClockReadingsWorth() {
        // 150 answers to one read: more than the durations one clock reading serves (HttpMeters.Local).
        int requests = 150;
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".repeat(requests));
            assertThat(ParsedResponse.all(output(connection))).hasSize(requests);
            assertThat(HttpTesting.counter(tester, HttpMeters.REQUESTS, "method", "GET", "status", "2xx")).isEqualTo(requests);
            assertThat(tester.meterRegistry().find(HttpMeters.DURATION).functionTimer().count()).isEqualTo(requests);
        }
    }

    @Test
    void leadingEmptyLinesBeforeARequestAreIgnored() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            connection.receive("\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(ParsedResponse.one(output(connection)).status()).isEqualTo(200);
        }
    }
}
