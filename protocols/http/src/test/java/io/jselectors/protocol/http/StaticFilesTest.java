package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticFilesTest {

    @TempDir
    Path dir;

    private Path root;

    @BeforeEach
    void files() throws IOException {
        root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(root.resolve("index.html"), "<h1>index</h1>");
        Files.writeString(root.resolve("a.txt"), "0123456789");
        Files.setLastModifiedTime(root.resolve("a.txt"), FileTime.from(Instant.parse("2024-05-01T10:00:00Z")));
        Files.createDirectories(root.resolve("sub dir"));
        Files.writeString(root.resolve("sub dir/b.css"), "b{}");
        Files.writeString(dir.resolve("secret.txt"), "secret");
    }

    private ProtocolTester tester() {
        return ProtocolTester.builder(new HttpProtocol()).option("root", root.toString()).build();
    }

    private static ParsedResponse get(TestConnection connection, String target, String... fields) {
        connection.receive("GET " + target + " HTTP/1.1\r\nHost: x\r\n" + String.join("", fields) + "\r\n");
        return ParsedResponse.one(output(connection));
    }

    @Test
    void servesFilesWithTypeAndValidators() {
        try (ProtocolTester tester = tester()) {
            TestConnection connection = tester.connect();
            ParsedResponse a = get(connection, "/a.txt");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo("0123456789");
            assertThat(a.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(a.header("Last-Modified")).isEqualTo("Wed, 01 May 2024 10:00:00 GMT");
            assertThat(a.header("ETag")).startsWith("\"a-");
            assertThat(a.header("Accept-Ranges")).isEqualTo("bytes");

            assertThat(get(connection, "/sub%20dir/b.css").header("Content-Type")).isEqualTo("text/css; charset=utf-8");
            ParsedResponse index = get(connection, "/");
            assertThat(index.body()).isEqualTo("<h1>index</h1>");
            assertThat(get(connection, "/sub%20dir/").status()).isEqualTo(404); // no index there, no listing
            assertThat(get(connection, "/missing").status()).isEqualTo(404);
            assertThat(get(connection, "/hello").body()).isEqualTo("Hello, World!"); // routes still win
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void conditionalRequestsGet304() {
        try (ProtocolTester tester = tester()) {
            TestConnection connection = tester.connect();
            String etag = get(connection, "/a.txt").header("ETag");
            ParsedResponse byTag = get(connection, "/a.txt", "If-None-Match: \"zzz\", " + etag + "\r\n");
            assertThat(byTag.status()).isEqualTo(304);
            assertThat(byTag.body()).isEmpty();
            assertThat(byTag.header("ETag")).isEqualTo(etag);
            assertThat(get(connection, "/a.txt", "If-None-Match: W/" + etag + "\r\n").status()).isEqualTo(304);
            assertThat(get(connection, "/a.txt", "If-None-Match: \"other\"\r\n").status()).isEqualTo(200);
            assertThat(get(connection, "/a.txt", "If-Modified-Since: Wed, 01 May 2024 10:00:00 GMT\r\n").status()).isEqualTo(304);
            assertThat(get(connection, "/a.txt", "If-Modified-Since: Wed, 01 May 2024 09:59:59 GMT\r\n").status()).isEqualTo(200);
            assertThat(get(connection, "/a.txt", "If-Modified-Since: yesterday\r\n").status()).isEqualTo(200);
            // If-None-Match decides when both are sent
            assertThat(get(connection, "/a.txt", "If-None-Match: \"other\"\r\nIf-Modified-Since: Wed, 01 May 2024 10:00:00 GMT\r\n").status())
                    .isEqualTo(200);
        }
    }

    @Test
    void singleRangesGet206Or416() {
        try (ProtocolTester tester = tester()) {
            TestConnection connection = tester.connect();
            ParsedResponse middle = get(connection, "/a.txt", "Range: bytes=2-4\r\n");
            assertThat(middle.status()).isEqualTo(206);
            assertThat(middle.body()).isEqualTo("234");
            assertThat(middle.header("Content-Range")).isEqualTo("bytes 2-4/10");
            assertThat(get(connection, "/a.txt", "Range: bytes=7-\r\n").body()).isEqualTo("789");
            assertThat(get(connection, "/a.txt", "Range: bytes=-3\r\n").body()).isEqualTo("789");
            assertThat(get(connection, "/a.txt", "Range: bytes=8-100\r\n").body()).isEqualTo("89");
            ParsedResponse past = get(connection, "/a.txt", "Range: bytes=10-\r\n");
            assertThat(past.status()).isEqualTo(416);
            assertThat(past.header("Content-Range")).isEqualTo("bytes */10");
            assertThat(get(connection, "/a.txt", "Range: bytes=-0\r\n").status()).isEqualTo(416);
            // ignored: several ranges, other units, nonsense, a stale If-Range
            assertThat(get(connection, "/a.txt", "Range: bytes=0-1,3-4\r\n").status()).isEqualTo(200);
            assertThat(get(connection, "/a.txt", "Range: lines=1-2\r\n").status()).isEqualTo(200);
            assertThat(get(connection, "/a.txt", "Range: bytes=5-2\r\n").status()).isEqualTo(200);
            assertThat(get(connection, "/a.txt", "Range: bytes=1-2\r\nIf-Range: \"stale\"\r\n").status()).isEqualTo(200);
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/sub%20dir/../../secret.txt", "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt", "/.%2e/secret.txt", "//etc/passwd", "/%2fetc%2fpasswd", "/%00a.txt", "/a.txt%00",
        "/..%5csecret.txt", "/%252e%252e/secret.txt", "/%zz", "/%c0%ae%c0%ae/secret.txt", "/link-out/secret.txt", "/link-file"
    })
    void nothingOutsideTheRootCanBeReached(String target) throws IOException {
        Files.createSymbolicLink(root.resolve("link-out"), dir);
        Files.createSymbolicLink(root.resolve("link-file"), dir.resolve("secret.txt"));
        try (ProtocolTester tester = tester()) {
            TestConnection connection = tester.connect();
            ParsedResponse response = get(connection, target);
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.body()).doesNotContain("secret");
        }
    }

    @Test
    void aLinkInsideTheRootIsFollowed() throws IOException {
        Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("a.txt"));
        try (ProtocolTester tester = tester()) {
            assertThat(get(tester.connect(), "/alias.txt").body()).isEqualTo("0123456789");
        }
    }

    @Test
    void otherMethodsGet405() {
        try (ProtocolTester tester = tester()) {
            TestConnection connection = tester.connect();
            connection.receive("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx");
            ParsedResponse response = ParsedResponse.one(output(connection));
            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("Allow")).isEqualTo("GET, HEAD");
        }
    }

    @Test
    void headOfAFileHasItsLengthAndNoBody() {
        try (ProtocolTester tester = tester()) {
            TestConnection connection = tester.connect();
            connection.receive("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            String out = output(connection);
            int end = out.indexOf("\r\n\r\n") + 4;
            assertThat(out.substring(0, end)).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 10\r\n");
            assertThat(ParsedResponse.one(out.substring(end)).body()).isEqualTo("ok");
        }
    }

    @Test
    void aLargeFileIsStreamedAsTheClientReads() throws IOException {
        byte[] content = new byte[1_000_003];
        new Random(7).nextBytes(content);
        Files.write(root.resolve("big.bin"), content);
        try (ProtocolTester tester = tester()) {
            TestConnection connection = tester.connect().socketCapacity(0);
            connection.receive("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            // the client reads nothing: the file waits as a queued region (read as the socket takes
            // it, never whole in memory), and the connection is not writable, so the pipelined
            // request waits too
            assertThat(connection.pendingWriteBytes()).isGreaterThanOrEqualTo(content.length);
            assertThat(connection.isWritable()).isFalse();
            connection.socketCapacity(100_000);
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 1000 && !all.toString().endsWith("Hello, World!"); i++) {
                all.append(output(connection));
            }
            var responses = ParsedResponse.all(all.toString());
            assertThat(responses).hasSize(2);
            assertThat(responses.get(0).header("Content-Type")).isEqualTo("application/octet-stream");
            assertThat(responses.get(0).body().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(content);
            assertThat(responses.get(1).body()).isEqualTo("Hello, World!");
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void aConnectionClosedMidFileReleasesEverything() throws IOException {
        Files.write(root.resolve("big.bin"), new byte[500_000]);
        try (ProtocolTester tester = tester()) {
            TestConnection connection = tester.connect().socketCapacity(0);
            connection.receive("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            connection.peerReset();
            assertThat(connection.isOpen()).isFalse();
        } // the tester fails on a leaked buffer
    }

    @Test
    void aRootThatIsNoDirectoryIsRefusedAtStart() {
        assertThatThrownBy(() -> ProtocolTester.builder(new HttpProtocol()).option("root", root.resolve("a.txt").toString()).build())
                .hasMessageContaining("root");
        assertThatThrownBy(() -> ProtocolTester.builder(new HttpProtocol()).option("root", dir.resolve("none").toString()).build())
                .hasMessageContaining("root");
    }
}
