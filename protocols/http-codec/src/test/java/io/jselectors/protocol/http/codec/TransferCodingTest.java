package io.jselectors.protocol.http.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Transfer-Encoding: what the fields say, gathered across fields. */
class TransferCodingTest {

    private static TransferCoding of(String... values) {
        TransferCoding coding = new TransferCoding();
        for (String value : values) {
            coding.add(value);
        }
        return coding;
    }

    @Test
    void chunkedLastInAnyCase() {
        TransferCoding coding = of("Chunked");
        assertThat(coding.present()).isTrue();
        assertThat(coding.chunked()).isTrue();
        assertThat(coding.otherCoding() || coding.invalid() || coding.codingAfterChunked()).isFalse();
        TransferCoding gzipped = of("gzip", " chunked ");
        assertThat(gzipped.chunked()).isTrue();
        assertThat(gzipped.otherCoding()).isTrue();
    }

    @Test
    void aCodingAfterChunkedAlsoInALaterField() {
        assertThat(of("chunked, gzip").codingAfterChunked()).isTrue();
        assertThat(of("chunked, gzip").chunked()).isFalse();
        assertThat(of("chunked", "chunked").codingAfterChunked()).isTrue();
    }

    @Test
    void emptyElementsAndNonTokensAreInvalid() {
        for (String value : new String[] {"", "chunked,", ", chunked", "gz ip", "chunked;q=1", "\u00e9"}) {
            assertThat(of(value).invalid()).as(value).isTrue();
        }
    }

    @Test
    void resetForgetsEverything() {
        TransferCoding coding = of("x, chunked, y,");
        coding.reset();
        assertThat(coding.present() || coding.chunked() || coding.invalid() || coding.otherCoding()
                || coding.codingAfterChunked()).isFalse();
    }
}
