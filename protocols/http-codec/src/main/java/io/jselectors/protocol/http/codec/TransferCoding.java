package io.jselectors.protocol.http.codec;

/**
 * What the {@code Transfer-Encoding} fields of one message say (RFC 9112 section 6.1), gathered
 * field by field; each side then applies its own rule. A request must have {@code chunked} once,
 * as the final coding, or be refused (section 6.3 item 4); a response whose final coding is not
 * {@code chunked} runs until the connection closes (item 3).
 *
 * <p>One instance per connection, {@link #reset()} per message; not thread-safe.
 *
 * {@snippet :
 * coding.add("gzip, chunked");
 * coding.chunked();        // true: the final coding is chunked
 * coding.otherCoding();    // true: gzip must be undone too
 * }
 */
public final class TransferCoding {

    private static final String CHUNKED = "chunked";

    private boolean present;
    private boolean chunked;
    private boolean afterChunked;
    private boolean otherCoding;
    private boolean invalid;

    /** An empty state, as after {@link #reset()}. */
    public TransferCoding() {}

    /** Forgets the previous message's fields. */
    public void reset() {
        present = false;
        chunked = false;
        afterChunked = false;
        otherCoding = false;
        invalid = false;
    }

    /** Takes note of one {@code Transfer-Encoding} field value: a comma-separated list of codings. */
    public void add(String value) {
        present = true;
        int from = 0;
        while (from <= value.length()) {
            int comma = value.indexOf(',', from);
            int end = comma < 0 ? value.length() : comma;
            coding(value, from, end);
            from = end + 1;
        }
    }

    private void coding(String value, int from, int end) {
        int start = HttpSyntax.skipWhitespace(value, from, end);
        int stop = HttpSyntax.trimWhitespace(value, start, end);
        if (chunked) {
            afterChunked = true; // chunked was not the final coding: its end no longer ends the body
        }
        if (stop - start == CHUNKED.length() && value.regionMatches(true, start, CHUNKED, 0, CHUNKED.length())) {
            chunked = true;
            return;
        }
        chunked = false;
        for (int i = start; i < stop; i++) {
            char c = value.charAt(i);
            if (c > 127 || !HttpSyntax.isToken((byte) c)) {
                invalid = true;
            }
        }
        if (start == stop) {
            invalid = true; // an empty element: "chunked," or ", chunked"
        } else {
            otherCoding = true;
        }
    }

    /** Whether the message had a {@code Transfer-Encoding} field at all. */
    public boolean present() {
        return present;
    }

    /** Whether the final coding is {@code chunked}: the body ends with the last chunk. */
    public boolean chunked() {
        return chunked;
    }

    /** Whether some coding came after a {@code chunked} (or {@code chunked} was applied twice). */
    public boolean codingAfterChunked() {
        return afterChunked;
    }

    /** Whether a coding other than {@code chunked} (gzip, ...) was applied. */
    public boolean otherCoding() {
        return otherCoding;
    }

    /** Whether an element was empty or not a token: the field cannot be understood. */
    public boolean invalid() {
        return invalid;
    }
}
