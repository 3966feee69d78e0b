package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The http protocol over real sockets on 127.0.0.1 with real clients: curl (installed by
 * scripts/install-test-tools.sh, which .ci/run calls), the JDK's HttpClient, and raw sockets for
 * pipelining and malformed requests.
 */
class HttpServerTest {

    private Server server;

    @TempDir
    Path root;

    static Stream<Arguments> transports() {
        return Stream.of(Arguments.of("native", "epoll"), Arguments.of("nio", "nio"));
    }

    private String start(String transport, String selector) throws IOException {
        Files.writeString(root.resolve("index.txt"), "static hello\n");
        Files.write(root.resolve("big.bin"), EchoServerTest.payload(3, 3_000_000));
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("http=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(2)
                .withTransport(transport, selector)
                .withOptions(Map.of("http", Map.of("root", root.toString())));
        server = Server.start(settings, new SimpleMeterRegistry());
        return "http://127.0.0.1:" + server.address("http").getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void curlGetsHelloWorld(String transport, String selector) throws Exception {
        String base = start(transport, selector);
        Curl r = curl("-sS", "-i", base + "/hello");
        assertEquals(0, r.status, r.err);
        assertThat(r.out).startsWith("HTTP/1.1 200").contains("Content-Type: text/plain").endsWith("Hello, World!");
        Curl head = curl("-sS", "-I", base + "/hello");
        assertThat(head.out).startsWith("HTTP/1.1 200").contains("Content-Length: 13");
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void curlFetchesStaticFilesWithRangesAndValidators(String transport, String selector) throws Exception {
        String base = start(transport, selector);
        Curl whole = curl("-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", base + "/big.bin");
        assertEquals("200 3000000", whole.out.trim(), whole.err);
        Curl range = curl("-sS", "-i", "-r", "0-9", base + "/index.txt");
        assertThat(range.out).startsWith("HTTP/1.1 206").contains("Content-Range: bytes 0-9/13").endsWith("static hel");
        String etag = curl("-sS", "-I", base + "/index.txt").out.lines()
                .filter(l -> l.regionMatches(true, 0, "ETag:", 0, 5)).findFirst().orElseThrow().substring(5).trim();
        Curl notModified = curl("-sS", "-i", "-H", "If-None-Match: " + etag, base + "/index.txt");
        assertThat(notModified.out).startsWith("HTTP/1.1 304");
        Curl traversal = curl("-sS", "-o", "/dev/null", "-w", "%{http_code}", "--path-as-is", base + "/../../etc/passwd");
        assertEquals("404", traversal.out.trim());
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void jdkClientKeepsTheConnectionAlive(String transport, String selector) throws Exception {
        String base = start(transport, selector);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("Hello, World!", r.body());
        }
        HttpResponse<String> index = client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, index.statusCode());
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void pipelinedRequestsAreAnsweredInOrder(String transport, String selector) throws Exception {
        String base = start(transport, selector);
        int port = URI.create(base).getPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            String req = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            List<String> statuses = new ArrayList<>();
            // Bodies need not end in a newline, so find status lines anywhere in the stream.
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP/1\\.1 \\d{3}").matcher(all);
            while (m.find()) {
                statuses.add(m.group());
            }
            assertThat(statuses).hasSize(3);
            assertThat(statuses.get(0)).startsWith("HTTP/1.1 200");
            assertThat(statuses.get(1)).startsWith("HTTP/1.1 404");
            assertThat(statuses.get(2)).startsWith("HTTP/1.1 200");
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void smugglingAttemptGets400AndCloseWhileOthersCarryOn(String transport, String selector) throws Exception {
        String base = start(transport, selector);
        int port = URI.create(base).getPort();
        try (Socket bystander = new Socket("127.0.0.1", port); Socket attacker = new Socket("127.0.0.1", port)) {
            bystander.setSoTimeout(10_000);
            attacker.setSoTimeout(10_000);
            String bad = "POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
            attacker.getOutputStream().write(bad.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(attacker.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(answer.indexOf("HTTP/1.1", 1)).as("exactly one response: nothing smuggled").isEqualTo(-1);
            bystander.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(bystander.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 200").endsWith("Hello, World!");
        }
    }

    // ---------------------------------------------------------------- curl

    private record Curl(int status, String out, String err) {}

    private static Curl curl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("curl");
        command.add("--max-time");
        command.add("20");
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new IllegalStateException("curl is not installed: run scripts/install-test-tools.sh (.ci/run does)", e);
        }
        byte[] out = readAll(p.getInputStream());
        byte[] err = readAll(p.getErrorStream());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("curl did not finish");
        }
        return new Curl(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1).replace("\r\n", "\n"),
                new String(err, StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }

    static {
        // keep the JDK client from pooling connections across tests of different servers
        System.setProperty("jdk.httpclient.keepalive.timeout", "1");
    }
}
