package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** HttpLoad's command line: defaults, flags, limits, and loopback only. */
class HttpLoadOptionsTest {

    @Test
    void defaultsAreTheHelloBenchmark() {
        HttpLoadOptions o = HttpLoadOptions.parse();
        assertThat(o.address().getPort()).isEqualTo(HttpLoadOptions.DEFAULT_PORT);
        assertThat(o.connections()).isEqualTo(100);
        assertThat(o.depth()).isEqualTo(1);
        assertThat(o.path()).isEqualTo("/hello");
        assertThat(o.body()).isEqualTo("Hello, World!");
        assertThat(new String(o.request(), StandardCharsets.US_ASCII))
                .isEqualTo("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n");
    }

    @Test
    void flags() {
        HttpLoadOptions o = HttpLoadOptions.parse("-c", "7", "-d", "16", "--path", "/x?y=1", "--any-body", "-t", "2.5",
                "-w", "0", "--host", "::1", "-p", "8080", "--selector", "poll", "--server-pid", "42");
        assertThat(o.connections()).isEqualTo(7);
        assertThat(o.depth()).isEqualTo(16);
        assertThat(o.body()).isNull();
        assertThat(o.seconds()).isEqualTo(2.5);
        assertThat(o.selector()).isEqualTo("poll");
        assertThat(o.serverPid()).isEqualTo(42);
        assertThat(new String(o.request(), StandardCharsets.US_ASCII)).contains("Host: [0:0:0:0:0:0:0:1]:8080");
    }

    @Test
    void badValuesSayWhatIsWrong() {
        assertThatThrownBy(() -> HttpLoadOptions.parse("-d", "0")).hasMessageContaining("-d (depth)");
        assertThatThrownBy(() -> HttpLoadOptions.parse("--path", "hello")).hasMessageContaining("--path");
        assertThatThrownBy(() -> HttpLoadOptions.parse("--path", "/a b")).hasMessageContaining("--path");
        assertThatThrownBy(() -> HttpLoadOptions.parse("--host", "10.0.0.1")).hasMessageContaining("non-loopback");
        assertThatThrownBy(() -> HttpLoadOptions.parse("--host", "example.com")).hasMessageContaining("IP address or localhost");
        assertThatThrownBy(() -> HttpLoadOptions.parse("-t")).hasMessageContaining("missing value");
        assertThatThrownBy(() -> HttpLoadOptions.parse("--bogus", "1")).hasMessageContaining("unknown option");
    }
}
