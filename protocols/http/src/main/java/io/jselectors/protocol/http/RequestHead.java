package io.jselectors.protocol.http;

import io.jselectors.protocol.http.codec.ContentLength;
import io.jselectors.protocol.http.codec.HttpSyntax;
import io.jselectors.protocol.http.codec.TransferCoding;

/**
 * What a request's header section says about its framing (RFC 9112 section 6) and persistence
 * (section 9.3), collected field by field and checked once the section is complete. Methods
 * return 0, or the status to refuse the request with.
 *
 * <p>{@link RequestDecoder} extends it: these fields are the decoder's own, so a request does not
 * fetch a further object for them (bench/PROFILE.md, eighth pass).
 */
class RequestHead {

    private long contentLength;
    /**
     * Made at the first Transfer-Encoding field of the connection: most never send one, and a
     * request without it then resets and reads no further object (bench/PROFILE.md, eighth pass).
     */
    private TransferCoding transferCoding;
    private int hosts;
    private boolean closeToken;
    private boolean keepAliveToken;
    private boolean expectContinue;
    private boolean otherExpectation;
    private boolean keepAlive;

    void reset() {
        contentLength = ContentLength.NONE;
        if (transferCoding != null) {
            transferCoding.reset();
        }
        hosts = 0;
        closeToken = false;
        keepAliveToken = false;
        expectContinue = false;
        otherExpectation = false;
        keepAlive = false;
    }

    /**
     * Takes note of field {@code index} of {@code request}. Its name is one of {@link HttpSyntax}'s
     * shared spellings when known; only the values of Content-Length, Transfer-Encoding and Expect
     * are made into strings here.
     */
    int field(HttpRequest request, int index) {
        // Compared by identity: fieldName gives these names as HttpSyntax's constants in any case
        // the client used, and anything else is another name. No hash, no string compare, and
        // Host, in every request, is the first test (bench/PROFILE.md, tenth pass).
        String name = request.knownName(index); // null for a name no list holds: not made into a string here
        if (name == HttpSyntax.HOST) {
            hosts++;
            if (!request.hostValueValid(index)) {
                return 400; // RFC 9112 section 3.2: a Host with an invalid value MUST get 400
            }
        } else if (name == HttpSyntax.CONTENT_LENGTH) {
            return contentLength(request.headerValue(index));
        } else if (name == HttpSyntax.TRANSFER_ENCODING) {
            return transferEncoding(request.headerValue(index));
        } else if (name == HttpSyntax.CONNECTION) {
            // On the value's bytes: most browsers send this field, and nothing else reads it.
            closeToken |= request.valueListContains(index, "close");
            keepAliveToken |= request.valueListContains(index, "keep-alive");
        } else if (name == HttpSyntax.EXPECT) {
            if (request.headerValue(index).equalsIgnoreCase("100-continue")) {
                expectContinue = true;
            } else {
                otherExpectation = true;
            }
        }
        return 0; // any other field is not about framing
    }

    /** Checks the section as a whole, for a request of {@code version} (10 or 11). */
    int complete(int version, long maxBody) {
        if (transferCoding != null) {
            boolean transferEncoding = transferCoding.present();
            if (transferEncoding && (contentLength >= 0 || version == 10)) {
                return 400; // section 6.1: both framings, or chunked in HTTP/1.0, is faulty framing
            }
            if (transferEncoding && !transferCoding.chunked()) {
                return 400; // section 6.3: chunked must be the final coding of a request
            }
            if (transferCoding.otherCoding()) {
                return 501; // e.g. gzip: valid HTTP, a coding this server does not decode
            }
        }
        if (hosts > 1 || (version == 11 && hosts == 0)) {
            return 400; // section 3.2: exactly one Host in HTTP/1.1
        }
        if (contentLength > maxBody) {
            return 413;
        }
        if (otherExpectation) {
            return 417;
        }
        keepAlive = !closeToken && (version == 11 || keepAliveToken);
        expectContinue &= version == 11; // RFC 9110 section 10.1.1: ignored in HTTP/1.0
        return 0;
    }

    /** The declared body length, or -1 if none was given. */
    long contentLength() {
        return contentLength;
    }

    boolean chunked() {
        return transferCoding != null && transferCoding.chunked();
    }

    /** Whether the connection may stay open after this request. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the client waits for {@code 100 Continue} before sending a body. */
    boolean expectContinue() {
        return expectContinue && (chunked() || contentLength > 0);
    }

    /** Whether the client is sending the HTTP/1.0 keep-alive token (to echo it back). */
    boolean keepAliveToken() {
        return keepAliveToken;
    }

    private int contentLength(String value) {
        long length = ContentLength.parse(value, contentLength);
        if (length == ContentLength.TOO_LARGE) {
            return 413;
        }
        if (length < 0) {
            return 400; // not a number, or differing values: the body's end is unknown
        }
        contentLength = length;
        return 0;
    }

    private int transferEncoding(String value) {
        if (transferCoding == null) {
            transferCoding = new TransferCoding();
        }
        transferCoding.add(value);
        // Something after chunked, or a coding that is not a token: the body's end cannot be found.
        return transferCoding.invalid() || transferCoding.codingAfterChunked() ? 400 : 0;
    }
}
