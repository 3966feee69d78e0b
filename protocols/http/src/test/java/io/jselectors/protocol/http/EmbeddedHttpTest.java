package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The embedding API: an HTTP protocol with the embedder's routes and none of the built-in pages. */
class EmbeddedHttpTest {

    private static ParsedResponse get(TestConnection connection, String path) {
        connection.receive("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        return ParsedResponse.one(output(connection));
    }

    @Test
    void servesOnlyTheEmbeddersRoutes() {
        HttpProtocol admin = HttpProtocol.embedded("admin", 9100, "admin pages", routes -> routes
                .add("/metrics", request -> HttpResponse.text(200, "m 1\n"))
                .add("/healthz", request -> HttpResponse.text(503, "draining\n")));
        assertThat(admin.name()).isEqualTo("admin");
        assertThat(admin.defaultPort()).isEqualTo(9100);
        assertThat(admin.description()).isEqualTo("admin pages");
        try (ProtocolTester tester = ProtocolTester.of(admin)) {
            TestConnection connection = tester.connect();
            assertThat(get(connection, "/metrics").body()).isEqualTo("m 1\n");
            assertThat(get(connection, "/healthz").status()).as("the embedder's, not the built-in one").isEqualTo(503);
            assertThat(get(connection, "/hello").status()).isEqualTo(404);
            assertThat(get(connection, "/").status()).isEqualTo(404);
        }
    }

    @Test
    void eachListenerGetsItsOwnTableFilledOnce() {
        AtomicInteger filled = new AtomicInteger();
        HttpProtocol embedded = HttpProtocol.embedded("x", 1, "x", routes -> {
            filled.incrementAndGet();
            routes.add("/n", request -> HttpResponse.text(200, "n"));
        });
        try (ProtocolTester first = ProtocolTester.of(embedded); ProtocolTester second = ProtocolTester.of(embedded)) {
            assertThat(filled).hasValue(2);
            TestConnection one = first.connect();
            TestConnection two = second.connect();
            assertThat(get(one, "/n").status()).isEqualTo(200);
            assertThat(get(two, "/n").status()).isEqualTo(200);
            // Each loop's output buffer is held while a connection of it is open, and each tester
            // counts what was allocated while it was open: both close before either tester checks.
            one.close();
            two.close();
            first.runPending();
            second.runPending();
        }
    }

    /**
     * A connection repeating one path looks its route up once (HttpRoutes.Lookup), yet a route
     * added, replaced or removed while it does is what its next request gets: same path string
     * each time (the decoder reuses it while the target repeats), so only the table's change can
     * make it look again.
     */
    @Test
    void aRouteChangedWhileAConnectionRepeatsItsPathIsSeenByItsNextRequest() {
        HttpRoutes[] table = new HttpRoutes[1];
        HttpProtocol embedded = HttpProtocol.embedded("x", 1, "x", routes -> table[0] = routes);
        try (ProtocolTester tester = ProtocolTester.of(embedded)) {
            TestConnection connection = tester.connect();
            assertThat(get(connection, "/p").status()).isEqualTo(404);
            assertThat(get(connection, "/p").status()).as("the same path again, still no route").isEqualTo(404);
            table[0].add("/p", request -> HttpResponse.text(200, "one"));
            assertThat(get(connection, "/p").body()).isEqualTo("one");
            assertThat(get(connection, "/p").body()).isEqualTo("one");
            table[0].add("/p", request -> HttpResponse.text(200, "two"));
            assertThat(get(connection, "/p").body()).as("replaced").isEqualTo("two");
            table[0].add("/p", request -> HttpResponse.text(200, "post"), "POST");
            assertThat(get(connection, "/p").status()).as("now POST only").isEqualTo(405);
            assertThat(table[0].remove("/p")).isTrue();
            assertThat(get(connection, "/p").status()).as("removed").isEqualTo(404);
            connection.close();
            tester.runPending();
        }
    }

    @Test
    void thePluginKeepsItsPages() {
        try (ProtocolTester tester = ProtocolTester.of(new HttpProtocol())) {
            TestConnection connection = tester.connect();
            assertThat(get(connection, "/hello").body()).isEqualTo("Hello, World!");
            assertThat(get(connection, "/healthz").status()).isEqualTo(200);
            assertThat(get(connection, "/").status()).isEqualTo(200);
        }
    }

    @Test
    void aNameAndRoutesAreRequired() {
        assertThatThrownBy(() -> HttpProtocol.embedded(" ", 1, "x", routes -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpProtocol.embedded("x", 1, "x", null)).isInstanceOf(NullPointerException.class);
    }
}
