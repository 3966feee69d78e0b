package io.jselectors.protocol.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** URL parsing, the request it makes, and names that are answered without DNS. */
class FetchUrlTest {

    @Test
    void partsOfAnHttpUrl() {
        assertThat(FetchUrl.parse("http://example.com")).isEqualTo(new FetchUrl("http://example.com", false, "example.com", 80, "/"));
        FetchUrl u = FetchUrl.parse("HTTP://127.0.0.1:8080/a/b%20c?x=1&y#frag");
        assertThat(u.port()).isEqualTo(8080);
        assertThat(u.target()).isEqualTo("/a/b%20c?x=1&y");
        assertThat(u.hostHeader()).isEqualTo("127.0.0.1:8080");
        FetchUrl v6 = FetchUrl.parse("http://[::1]:9000/");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.hostHeader()).isEqualTo("[::1]:9000");
        assertThat(FetchUrl.parse("http://h/\u00e9").target()).isEqualTo("/%C3%A9");
    }

    @Test
    void theRequestIsAnHttp11Get() {
        String request = new String(FetchUrl.parse("http://localhost:81/x?q").request(), StandardCharsets.ISO_8859_1);
        assertThat(request).startsWith("GET /x?q HTTP/1.1\r\nHost: localhost:81\r\n").endsWith("\r\n\r\n");
    }

    @Test
    void onlyPlainHttp() {
        assertThat(FetchUrl.parse("https://example.com/")).isEqualTo(new FetchUrl("https://example.com/", true, "example.com", 443, "/"));
        assertThat(FetchUrl.parse("https://example.com:8443/").origin()).isEqualTo("https://example.com:8443");
        assertThatThrownBy(() -> FetchUrl.parse("ftp://example.com/")).hasMessageContaining("only http:// and https://");
        assertThatThrownBy(() -> FetchUrl.parse("example.com/")).hasMessageContaining("not an absolute URL");
        assertThatThrownBy(() -> FetchUrl.parse("http:///path")).hasMessageContaining("no host");
        assertThatThrownBy(() -> FetchUrl.parse("http://h/ a")).hasMessageContaining("not a URL");
        assertThatThrownBy(() -> FetchUrl.parse("http://h/" + "a".repeat(FetchUrl.MAX_TARGET_LENGTH))).hasMessageContaining("at most");
    }

    @Test
    void invalidNamesAndLiteralsNeedNoLookup() {
        assertThat(HostResolver.withoutLookup("nosuchhost.invalid").error()).contains("unknown host", "not looked up");
        assertThat(HostResolver.withoutLookup("NoSuchHost.INVALID.").error()).contains("unknown host");
        assertThat(HostResolver.withoutLookup("127.0.0.1").addresses()).hasSize(1);
        assertThat(HostResolver.withoutLookup("::1").addresses()).hasSize(1);
        assertThat(HostResolver.withoutLookup("example.com")).isNull();
    }
}
