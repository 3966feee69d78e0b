package io.jselectors.protocol.http.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Field lines, values and lists. */
class HttpSyntaxTest {

    private static int colon(String line) {
        byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
        return HttpSyntax.fieldColon(b, 0, b.length);
    }

    @Test
    void aFieldNameIsATokenRightBeforeTheColon() {
        assertThat(colon("Host: x")).isEqualTo(4);
        assertThat(colon("X-Empty:")).isEqualTo(7);
        assertThat(colon("Host : x")).as("whitespace before the colon").isEqualTo(-1);
        assertThat(colon(" folded: x")).as("obs-fold").isEqualTo(-1);
        assertThat(colon(": x")).isEqualTo(-1);
        assertThat(colon("no colon")).isEqualTo(-1);
        assertThat(colon("H\u00e9st: x")).isEqualTo(-1);
    }

    @Test
    void fieldValuesRefuseControlCharacters() {
        byte[] ok = "a\tb \u00ff".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HttpSyntax.isFieldValue(ok, 0, ok.length)).isTrue();
        for (String bad : new String[] {"a\rb", "a\nb", "a\0b", "a\u007fb"}) {
            byte[] b = bad.getBytes(StandardCharsets.ISO_8859_1);
            assertThat(HttpSyntax.isFieldValue(b, 0, b.length)).as(bad).isFalse();
        }
    }

    @Test
    void whitespaceAroundAValue() {
        byte[] b = "k:  v v \t".getBytes(StandardCharsets.ISO_8859_1);
        int start = HttpSyntax.skipWhitespace(b, 2, b.length);
        assertThat(HttpSyntax.latin1(b, start, HttpSyntax.trimWhitespace(b, start, b.length) - start)).isEqualTo("v v");
    }

    @Test
    void listsAndSharedSpellings() {
        assertThat(HttpSyntax.listContains("foo, Close", "close")).isTrue();
        assertThat(HttpSyntax.listContains("foo,closed", "close")).isFalse();
        assertThat(HttpSyntax.listContains("", "close")).isFalse();
        byte[] b = "content-length".getBytes(StandardCharsets.US_ASCII);
        assertThat(HttpSyntax.fieldName(b, 0, b.length)).isSameAs("Content-Length");
        byte[] m = "GET".getBytes(StandardCharsets.US_ASCII);
        assertThat(HttpSyntax.method(m, 0, m.length)).isSameAs("GET");
    }
}
