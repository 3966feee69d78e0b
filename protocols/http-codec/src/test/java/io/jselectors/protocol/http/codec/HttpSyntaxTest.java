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

    /**
     * The eight-bytes-at-a-time check agrees with the byte rule for every byte value at every
     * position of values long enough to take the word path, at every start alignment, and next to
     * the bytes whose borrows could confuse a word test (0x00, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff).
     */
    @Test
    void theWordCheckOfAFieldValueAgreesWithTheByteRuleEverywhere() {
        int[] neighbours = {'a', 0x00, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff, '\t'};
        for (int from = 0; from < 8; from++) {
            for (int length : new int[] {7, 8, 9, 16, 23}) {
                for (int at = 0; at < length; at++) {
                    for (int value = 0; value < 256; value++) {
                        for (int neighbour : neighbours) {
                            byte[] b = new byte[from + length + 3];
                            java.util.Arrays.fill(b, (byte) neighbour);
                            b[from + at] = (byte) value;
                            boolean expected = true;
                            for (int i = from; i < from + length; i++) {
                                expected &= HttpSyntax.isFieldValueByte(b[i]);
                            }
                            assertThat(HttpSyntax.isFieldValue(b, from, from + length))
                                    .as("byte %#x at %d of %d from %d among %#x", value, at, length, from, neighbour)
                                    .isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aFieldNameIsSharedInAnyCaseAndAnUnknownOneIsMadeAsSent() {
        byte[] exact = "Host".getBytes(StandardCharsets.US_ASCII);
        byte[] upper = "HOST".getBytes(StandardCharsets.US_ASCII);
        byte[] other = "Hosts".getBytes(StandardCharsets.US_ASCII);
        assertThat(HttpSyntax.fieldName(exact, 0, exact.length)).isSameAs("Host");
        assertThat(HttpSyntax.fieldName(upper, 0, upper.length)).isSameAs("Host");
        assertThat(HttpSyntax.fieldName(other, 0, other.length)).isEqualTo("Hosts");
        byte[] lower = "get".getBytes(StandardCharsets.US_ASCII);
        assertThat(HttpSyntax.method(lower, 0, lower.length)).as("methods are case-sensitive").isEqualTo("get").isNotSameAs("GET");
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

    /** RequestHead compares these names by identity: every spelling must give the very constant. */
    @Test
    void framingFieldNamesAreTheConstantsInAnyCase() {
        for (String name : new String[] {HttpSyntax.HOST, HttpSyntax.CONNECTION, HttpSyntax.CONTENT_LENGTH,
                HttpSyntax.TRANSFER_ENCODING, HttpSyntax.EXPECT}) {
            for (String spelling : new String[] {name, name.toLowerCase(java.util.Locale.ROOT), name.toUpperCase(java.util.Locale.ROOT)}) {
                byte[] b = ("x" + spelling).getBytes(StandardCharsets.US_ASCII);
                assertThat(HttpSyntax.fieldName(b, 1, spelling.length())).as(spelling).isSameAs(name);
            }
        }
    }

    /** The byte form of listContains answers as the string form does, for every token and value here. */
    @Test
    void listContainsOnBytesAgreesWithTheStringForm() {
        String[] values = {"", "close", "Close", " close ", "keep-alive, close", "keep-alive,close", "x,,close", ",",
            "closed", "clos", "keep-alive", "KEEP-ALIVE\t", "upgrade, keep-alive ,te", "a, b ,\tc", "close,", ",close", "\u00ffclose"};
        for (String value : values) {
            byte[] bytes = ("[" + value + "]").getBytes(StandardCharsets.ISO_8859_1);
            for (String token : new String[] {"close", "keep-alive", "c", ""}) {
                assertThat(HttpSyntax.listContains(bytes, 1, bytes.length - 1, token)).as("%s in '%s'", token, value)
                        .isEqualTo(HttpSyntax.listContains(value, token));
            }
        }
        byte[] sec = "sec-ch-ua".getBytes(StandardCharsets.US_ASCII);
        assertThat(HttpSyntax.knownFieldName(sec, 0, sec.length)).isNull();
        byte[] host = "hOsT".getBytes(StandardCharsets.US_ASCII);
        assertThat(HttpSyntax.knownFieldName(host, 0, host.length)).isSameAs(HttpSyntax.HOST);
    }
}
