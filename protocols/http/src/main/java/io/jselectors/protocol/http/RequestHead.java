package io.jselectors.protocol.http;

/**
 * What a request's header section says about its framing (RFC 9112 section 6) and persistence
 * (section 9.3), collected field by field and checked once the section is complete. Methods
 * return 0, or the status to refuse the request with.
 */
final class RequestHead {

    private long contentLength;
    private boolean transferEncoding;
    private boolean chunked;
    private int unsupportedCoding;
    private int hosts;
    private boolean closeToken;
    private boolean keepAliveToken;
    private boolean expectContinue;
    private boolean otherExpectation;
    private boolean keepAlive;

    void reset() {
        contentLength = -1;
        transferEncoding = false;
        chunked = false;
        unsupportedCoding = 0;
        hosts = 0;
        closeToken = false;
        keepAliveToken = false;
        expectContinue = false;
        otherExpectation = false;
        keepAlive = false;
    }

    /**
     * Takes note of field {@code index} of {@code request}. Its name is one of {@link FieldSyntax}'s
     * shared spellings when known; only the values of framing fields are made into strings here.
     */
    int field(HttpRequest request, int index) {
        String name = request.headerName(index);
        switch (name) {
            case "Content-Length" -> {
                return contentLength(request.headerValue(index));
            }
            case "Transfer-Encoding" -> {
                return transferEncoding(request.headerValue(index));
            }
            case "Host" -> hosts++;
            case "Connection" -> {
                String value = request.headerValue(index);
                closeToken |= FieldSyntax.listContains(value, "close");
                keepAliveToken |= FieldSyntax.listContains(value, "keep-alive");
            }
            case "Expect" -> {
                if (request.headerValue(index).equalsIgnoreCase("100-continue")) {
                    expectContinue = true;
                } else {
                    otherExpectation = true;
                }
            }
            default -> {
                // not about framing
            }
        }
        return 0;
    }

    /** Checks the section as a whole, for a request of {@code version} (10 or 11). */
    int complete(int version, long maxBody) {
        if (transferEncoding && (contentLength >= 0 || version == 10)) {
            return 400; // section 6.1: both framings, or chunked in HTTP/1.0, is faulty framing
        }
        if (transferEncoding && !chunked) {
            return 400; // section 6.3: chunked must be the final coding of a request
        }
        if (unsupportedCoding != 0) {
            return unsupportedCoding;
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
        return chunked;
    }

    /** Whether the connection may stay open after this request. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the client waits for {@code 100 Continue} before sending a body. */
    boolean expectContinue() {
        return expectContinue && (chunked || contentLength > 0);
    }

    /** Whether the client is sending the HTTP/1.0 keep-alive token (to echo it back). */
    boolean keepAliveToken() {
        return keepAliveToken;
    }

    private int contentLength(String value) {
        // A list of equal values (a proxy merged duplicates) is accepted; anything else is refused.
        for (String element : value.split(",", -1)) {
            String digits = element.trim();
            if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return digits.length() > 18 && digits.chars().allMatch(c -> c >= '0' && c <= '9') ? 413 : 400;
            }
            long length = Long.parseLong(digits);
            if (contentLength >= 0 && contentLength != length) {
                return 400;
            }
            contentLength = length;
        }
        return 0;
    }

    private int transferEncoding(String value) {
        for (String element : value.split(",", -1)) {
            String coding = element.trim();
            if (chunked) {
                return 400; // something after chunked: the body's end cannot be found
            }
            if (coding.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (coding.isEmpty() || !coding.chars().allMatch(c -> c < 128 && FieldSyntax.isToken((byte) c))) {
                return 400;
            } else {
                unsupportedCoding = 501; // e.g. gzip: valid HTTP, a coding this server does not decode
            }
        }
        transferEncoding = true;
        return 0;
    }
}
