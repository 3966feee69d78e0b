package io.jselectors.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.http.client.ScriptedServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code fetch} command: its output and exit status. */
class FetchCommandTest {

    private static FetchRun.Result run(String... args) {
        return FetchRun.run(args);
    }

    private static ScriptedServer hello() throws IOException {
        return new ScriptedServer(s -> {
            while (ScriptedServer.readRequest(s.getInputStream()) != null) {
                ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!");
            }
        });
    }

    @Test
    void printsEachFetchAndASummary() throws IOException {
        try (ScriptedServer server = hello()) {
            FetchRun.Result r = run("-c", "1", "-n", "3", server.url("/hello"));
            assertThat(r.status()).isZero();
            assertThat(r.out()).contains("200", "13 B", server.url("/hello") + " #3");
            assertThat(r.out()).contains("3 fetches in", "3 responses, 0 failed", "1 connections opened, 2 requests on a kept-alive one", "status 200 x3");
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void anyFailureMakesTheExitStatusOne() throws IOException {
        try (ScriptedServer server = hello()) {
            FetchRun.Result r = run("--timeout", "5s", server.url("/"), "ftp://127.0.0.1/", "http://nosuchhost.invalid/");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).contains("ERR", "unsupported scheme 'ftp'", "unknown host nosuchhost.invalid");
            assertThat(r.out()).contains("3 fetches in", "1 responses, 2 failed");
        }
    }

    @Test
    void failFlagCountsErrorStatuses() throws IOException {
        try (ScriptedServer server = new ScriptedServer(s -> {
            ScriptedServer.readRequest(s.getInputStream());
            ScriptedServer.write(s, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        })) {
            assertThat(run(server.url("/")).status()).isZero();
            assertThat(run("--fail", "-q", server.url("/")).status()).isEqualTo(1);
        }
    }

    @Test
    void badArgumentsExitTwo() {
        assertThat(run("-c", "0", "http://127.0.0.1:1/").status()).isEqualTo(2);
        assertThat(run("--timeout", "soon", "http://127.0.0.1:1/").status()).isEqualTo(2);
        assertThat(run().status()).isEqualTo(2);
    }
}
