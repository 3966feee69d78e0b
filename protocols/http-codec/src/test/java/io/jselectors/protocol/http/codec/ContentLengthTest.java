package io.jselectors.protocol.http.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Content-Length: the strict rules both sides share. */
class ContentLengthTest {

    @Test
    void aNumberOrAListOfEqualNumbers() {
        assertThat(ContentLength.parse("13", ContentLength.NONE)).isEqualTo(13);
        assertThat(ContentLength.parse(" 0 ", ContentLength.NONE)).isZero();
        assertThat(ContentLength.parse("5, 5,5", ContentLength.NONE)).isEqualTo(5);
        assertThat(ContentLength.parse("5", 5)).as("a second field with the same value").isEqualTo(5);
        assertThat(ContentLength.parse("9".repeat(ContentLength.MAX_DIGITS), ContentLength.NONE)).isEqualTo(999_999_999_999_999_999L);
    }

    @Test
    void signsEmptyElementsAndOtherBytesAreInvalid() {
        for (String value : new String[] {"", " ", "-1", "+1", "1.0", "0x10", "1 2", "5,", ",5", "5,,5", "a", "1\t;"}) {
            assertThat(ContentLength.parse(value, ContentLength.NONE)).as(value).isEqualTo(ContentLength.INVALID);
        }
    }

    @Test
    void differingValuesConflictWithinAFieldAndAcrossFields() {
        assertThat(ContentLength.parse("5, 6", ContentLength.NONE)).isEqualTo(ContentLength.CONFLICT);
        assertThat(ContentLength.parse("6", 5)).isEqualTo(ContentLength.CONFLICT);
    }

    @Test
    void moreDigitsThanFitAreTooLargeUnlessSomethingElseIsWrong() {
        String huge = "1".repeat(ContentLength.MAX_DIGITS + 1);
        assertThat(ContentLength.parse(huge, ContentLength.NONE)).isEqualTo(ContentLength.TOO_LARGE);
        assertThat(ContentLength.parse(huge + "x", ContentLength.NONE)).isEqualTo(ContentLength.INVALID);
    }

    @Test
    void bytesInTheMiddleOfALine() {
        byte[] line = "Content-Length: 42\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(ContentLength.parse(line, 15, line.length - 2, ContentLength.NONE)).isEqualTo(42);
    }
}
