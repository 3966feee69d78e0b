package io.jselectors.protocol.http.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The version of a request line, the code of a status line. */
class StartLineTest {

    private static int requestVersion(String version) {
        byte[] b = ("GET / " + version).getBytes(StandardCharsets.ISO_8859_1);
        return StartLine.requestVersion(b, 6, b.length);
    }

    private static int status(String line) {
        byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
        return StartLine.statusCode(b, 0, b.length);
    }

    @Test
    void requestVersions() {
        assertThat(requestVersion("HTTP/1.1")).isEqualTo(11);
        assertThat(requestVersion("HTTP/1.0")).isEqualTo(10);
        assertThat(requestVersion("HTTP/2.0")).isEqualTo(-505);
        assertThat(requestVersion("HTTP/1.2")).as("a later 1.x is handled as 1.1").isEqualTo(11);
        assertThat(requestVersion("HTTP/1.9")).isEqualTo(11);
        assertThat(requestVersion("HTTP/0.9")).isEqualTo(-505);
        assertThat(requestVersion("http/1.1")).isEqualTo(-400);
        assertThat(requestVersion("HTTP/1.1 ")).isEqualTo(-400);
        assertThat(requestVersion("HTTP/x.1")).isEqualTo(-400);
    }

    @Test
    void statusLines() {
        assertThat(status("HTTP/1.1 200 OK")).isEqualTo(200);
        assertThat(status("HTTP/1.0 404")).isEqualTo(404);
        assertThat(status("HTTP/1.1 999 ")).isEqualTo(999);
        byte[] b = "HTTP/1.0 200 OK".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(StartLine.statusMinorVersion(b, 0)).isZero();
        for (String bad : new String[] {"HTTP/2 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 099 x", "HTTP/1.1 2000", "HTTP/1.1  200", "SSH-2.0-x", ""}) {
            assertThat(status(bad)).as(bad).isEqualTo(-1);
        }
    }
}
