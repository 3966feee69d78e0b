package io.jselectors.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9110 section 7.2's Host syntax: what a server must answer 400 to (RFC 9112 section 3.2). */
class HostFieldTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "example.com:8080", "127.0.0.1", "127.0.0.1:80", "[::1]", "[::1]:8080",
        "[v1.fe80::a+en1]", "xn--bcher-kva.example", "a_b~c-d", "%41b", "x:", "!$&'()*+,;="})
    void valid(String host) {
        assertThat(HostField.isValid(host)).isTrue();
        assertThat(inALine(host)).as("checked inside a longer line").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "u@x", "x/y", "x?y", "x#y", "[::1", "[]", "[::1]x", "x:80a", "x:8:0", "%4", "%zz", "a\"b", "\u00e9"})
    void invalid(String host) {
        assertThat(HostField.isValid(host)).isFalse();
        assertThat(inALine(host)).as("checked inside a longer line").isFalse();
    }

    /** The byte form as the decoder uses it: the value in the middle of other bytes ("]:/ " around it). */
    private static boolean inALine(String host) {
        byte[] line = ("Host:]" + host + "]:/ ").getBytes(StandardCharsets.ISO_8859_1);
        return HostField.isValid(line, 6, host.length());
    }
}
