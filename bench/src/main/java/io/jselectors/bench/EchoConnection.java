package io.jselectors.bench;

import io.jselectors.selector.HasFileno;

/**
 * One load connection's state: its socket, its place in its byte stream, and whether the selector
 * is watching it for WRITE. It is both the file object registered with the selector and the key's
 * data, so the hot path never boxes an fd. Used by one thread only.
 */
final class EchoConnection implements HasFileno {

    final int index;
    final int fd;
    /** Starting phase of this connection's bytes in the {@link Payload} pattern. */
    final int seed;
    /** Bytes written so far. */
    long sent;
    /** Bytes read back and checked so far. */
    long received;
    /** The non-blocking connect has completed. */
    boolean connected;
    /** The registration includes WRITE: the last send was short. */
    boolean watchingWrite;
    /** Not failed, not closed. */
    boolean alive = true;

    EchoConnection(int index, int fd) {
        this.index = index;
        this.fd = fd;
        this.seed = Payload.seedOf(index);
    }

    /** The fd while alive; {@code -1} after failure, so the selector finds it by identity. */
    @Override
    public int fileno() {
        return alive ? fd : -1;
    }

    @Override
    public String toString() {
        return "connection " + index + " (fd " + fd + ", sent " + sent + ", received " + received + ")";
    }
}
