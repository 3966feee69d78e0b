package io.jselectors.protocol.http.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** FetchClient against real servers on 127.0.0.1: the JDK's HttpServer, and scripted raw sockets. */
class FetchClientTest {

    private static final int CHUNKED_SIZE = 100_000;

    private HttpServer server;
    private ExecutorService serverThreads;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        serverThreads = Executors.newFixedThreadPool(16);
        server.setExecutor(serverThreads);
        server.createContext("/hello", ex -> respond(ex, 200, "Hello, World!".getBytes(StandardCharsets.US_ASCII), false));
        server.createContext("/chunked", ex -> respond(ex, 200, pattern(CHUNKED_SIZE), true));
        server.createContext("/gated", ex -> {
            int now = active.incrementAndGet();
            maxActive.accumulateAndGet(now, Math::max);
            try {
                gate.countDown();
                gate.await(10, TimeUnit.SECONDS); // the first ten wait for each other: proof they overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                active.decrementAndGet();
            }
            respond(ex, 200, "ok".getBytes(StandardCharsets.US_ASCII), false);
        });
        server.createContext("/", ex -> respond(ex, 404, "not here".getBytes(StandardCharsets.US_ASCII), false));
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static void respond(HttpExchange ex, int status, byte[] body, boolean chunked) throws IOException {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(status, chunked ? 0 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < body.length; i += 7000) {
                out.write(body, i, Math.min(7000, body.length - i));
                out.flush();
            }
        }
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static List<FetchResult> fetch(FetchOptions options, String... urls) throws IOException {
        try (FetchClient client = new FetchClient(options)) {
            return client.run(List.of(urls), r -> { });
        }
    }

    private static FetchOptions options(int concurrency, int repeats, Duration timeout) {
        return new FetchOptions(concurrency, repeats, timeout, null, 1 << 20);
    }

    private static FetchResult only(List<FetchResult> results) {
        assertThat(results).hasSize(1);
        return results.getFirst();
    }

    @Test
    void aContentLengthBody() throws IOException {
        FetchResult r = only(fetch(options(1, 1, Duration.ofSeconds(10)), url("/hello")));
        assertThat(r.error()).isNull();
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("Hello, World!");
        assertThat(r.bodyBytes()).isEqualTo(13);
        assertThat(r.nanos()).isPositive();
    }

    @Test
    void aChunkedBodyIsDecoded() throws IOException {
        FetchResult r = only(fetch(options(1, 1, Duration.ofSeconds(10)), url("/chunked")));
        assertThat(r.error()).isNull();
        assertThat(r.bodyBytes()).isEqualTo(CHUNKED_SIZE);
        assertThat(r.body()).isEqualTo(pattern(CHUNKED_SIZE));
    }

    @Test
    void aNotFoundIsAResponseNotAnError() throws IOException {
        FetchResult r = only(fetch(options(1, 1, Duration.ofSeconds(10)), url("/nope")));
        assertThat(r.ok()).isTrue();
        assertThat(r.status()).isEqualTo(404);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("not here");
    }

    @Test
    void repeatsReuseTheKeptAliveConnection() throws IOException {
        try (FetchClient client = new FetchClient(options(1, 5, Duration.ofSeconds(10)))) {
            List<FetchResult> results = client.run(List.of(url("/hello")), r -> { });
            assertThat(results).allMatch(r -> r.ok() && r.status() == 200);
            assertThat(results).extracting(FetchResult::repeat).containsExactly(1, 2, 3, 4, 5);
            assertThat(results).extracting(FetchResult::reusedConnection).containsExactly(false, true, true, true, true);
            assertThat(client.connectionsOpened()).isEqualTo(1);
            assertThat(client.reuses()).isEqualTo(4);
        }
    }

    @Test
    void aRefusedPortIsAClearError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort(); // closed at once: nothing listens there any more
        }
        FetchResult r = only(fetch(options(1, 1, Duration.ofSeconds(10)), "http://127.0.0.1:" + port + "/"));
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).startsWith("connect to 127.0.0.1:" + port + ": ECONNREFUSED (");
    }

    @Test
    void anUnresolvableHostIsAClearErrorWithoutALookup() throws IOException {
        FetchResult r = only(fetch(options(1, 1, Duration.ofSeconds(10)), "http://nosuchhost.invalid/"));
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).contains("unknown host nosuchhost.invalid");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        try (ScriptedServer silent = new ScriptedServer(s -> {
            ScriptedServer.readRequest(s.getInputStream());
            s.getInputStream().read(); // blocks until the client gives up and closes
        })) {
            FetchResult r = only(fetch(options(1, 1, Duration.ofMillis(300)), silent.url("/")));
            assertThat(r.ok()).isFalse();
            assertThat(r.error()).isEqualTo("timed out after 300 ms waiting for the response");
            assertThat(r.nanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        }
    }

    @Test
    void aBodyDelimitedByTheCloseAndABrokenResponse() throws IOException {
        try (ScriptedServer close = new ScriptedServer(s -> {
                    ScriptedServer.readRequest(s.getInputStream());
                    ScriptedServer.write(s, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
                });
                ScriptedServer broken = new ScriptedServer(s -> {
                    ScriptedServer.readRequest(s.getInputStream());
                    ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
                })) {
            List<FetchResult> results = fetch(options(2, 1, Duration.ofSeconds(10)), close.url("/"), broken.url("/"));
            FetchResult ok = results.stream().filter(r -> r.url().equals(close.url("/"))).findFirst().orElseThrow();
            assertThat(ok.error()).isNull();
            assertThat(new String(ok.body(), StandardCharsets.US_ASCII)).isEqualTo("until the end");
            FetchResult cut = results.stream().filter(r -> r.url().equals(broken.url("/"))).findFirst().orElseThrow();
            assertThat(cut.error()).isEqualTo("connection closed after 3 of 10 body bytes");
        }
    }

    @Test
    void aKeptAliveConnectionTheServerClosedIsReplaced() throws IOException {
        // Answers one request per connection with keep-alive framing, then closes anyway.
        try (ScriptedServer oneShot = new ScriptedServer(s -> {
            ScriptedServer.readRequest(s.getInputStream());
            ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        })) {
            try (FetchClient client = new FetchClient(options(1, 3, Duration.ofSeconds(10)))) {
                List<FetchResult> results = client.run(List.of(oneShot.url("/")), r -> { });
                assertThat(results).allMatch(r -> r.ok() && r.status() == 200);
                assertThat(client.connectionsOpened()).isEqualTo(3);
            }
        }
    }

    @Test
    void tenAtATimeOverFiftyUrlsAllOnTheCallingThread() throws IOException {
        gate = new CountDownLatch(10);
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            urls.add(url("/gated?i=" + i));
        }
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<FetchResult> seen = Collections.synchronizedList(new ArrayList<>());
        try (FetchClient client = new FetchClient(options(10, 1, Duration.ofSeconds(20)))) {
            List<FetchResult> results = client.run(urls, r -> {
                threads.add(Thread.currentThread());
                seen.add(r);
            });
            assertThat(results).hasSize(50).allMatch(r -> r.ok() && r.status() == 200);
            assertThat(seen).hasSize(50);
            assertThat(threads).containsExactly(Thread.currentThread());
            // The gate opens only when ten requests are inside the server at once.
            assertThat(maxActive.get()).isEqualTo(10);
            assertThat(client.connectionsOpened()).isEqualTo(10);
            assertThat(client.reuses()).isEqualTo(40);
        }
    }
}
