package io.jselectors.bench;

/**
 * One HTTP load connection: a {@link LoadConnection} (whose {@code sent} counts request bytes, a
 * multiple of the request's length once a send completes) plus the checker of what comes back.
 * One thread only.
 */
final class HttpConnection extends LoadConnection {

    final ResponseChecker checker;
    /** Response bytes read so far. */
    long receivedBytes;

    HttpConnection(int index, int fd, byte[] expectedBody) {
        super(index, fd);
        this.checker = new ResponseChecker(expectedBody);
    }

    @Override
    public String toString() {
        return "connection " + index + " (fd " + fd + ", " + checker.responses() + " responses)";
    }
}
