package io.jselectors.bench;

import io.jselectors.selector.HasFileno;

/**
 * One HTTP load connection: its socket, how many request bytes it has sent, and the checker of
 * what comes back. Both the registered file object and the key's data. One thread only.
 */
final class HttpConnection implements HasFileno {

    final int index;
    final int fd;
    final ResponseChecker checker;
    /** Request bytes written so far (a multiple of the request's length once a send completes). */
    long sent;
    /** Response bytes read so far. */
    long receivedBytes;
    /** The non-blocking connect has completed. */
    boolean connected;
    /** The registration includes WRITE: the last send was short. */
    boolean watchingWrite;
    /** Not failed, not closed. */
    boolean alive = true;

    HttpConnection(int index, int fd, byte[] expectedBody) {
        this.index = index;
        this.fd = fd;
        this.checker = new ResponseChecker(expectedBody);
    }

    /** The fd while alive; {@code -1} after failure, so the selector finds it by identity. */
    @Override
    public int fileno() {
        return alive ? fd : -1;
    }

    @Override
    public String toString() {
        return "connection " + index + " (fd " + fd + ", " + checker.responses() + " responses)";
    }
}
