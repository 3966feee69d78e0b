package io.jselectors.bench;

import io.jselectors.selector.HasFileno;

/**
 * What every load connection shares with {@link LoadLoop}: its socket, how many bytes it has sent,
 * and where it stands (connecting, watched for WRITE, alive). It is both the file object registered
 * with the selector and the key's data, so the hot path never boxes an fd. Used by one thread only.
 */
abstract class LoadConnection implements HasFileno {

    final int index;
    final int fd;
    /** Bytes written so far. */
    long sent;
    /** The non-blocking connect has completed. */
    boolean connected;
    /** The registration includes WRITE: the last send was short. */
    boolean watchingWrite;
    /** Not failed, not closed. */
    boolean alive = true;

    LoadConnection(int index, int fd) {
        this.index = index;
        this.fd = fd;
    }

    /** The fd while alive; {@code -1} after failure, so the selector finds it by identity. */
    @Override
    public final int fileno() {
        return alive ? fd : -1;
    }
}
