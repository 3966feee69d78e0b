package io.jselectors.posix;

import io.jselectors.selector.HasFileno;
import java.io.Closeable;

/**
 * An owned file descriptor that can be registered with a selector, the way a Python socket is:
 * {@link #fileno()} returns the fd while open and {@code -1} once closed, so a selector can still
 * find (and unregister) it by identity after close.
 *
 * <p>Not thread-safe: like the selector, it belongs to one thread.
 */
public final class Fd implements HasFileno, Closeable {

    private int fd;

    /** Takes ownership of {@code fd}. */
    public Fd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("Invalid file descriptor: " + fd);
        }
        this.fd = fd;
    }

    /** Both ends of a new non-blocking AF_UNIX socket pair. */
    public static Fd[] socketPair() throws ErrnoException {
        int[] fds = Libc.socketPair();
        return new Fd[] {new Fd(fds[0]), new Fd(fds[1])};
    }

    /** Both ends of a new non-blocking pipe: {@code [read end, write end]}. */
    public static Fd[] pipe() throws ErrnoException {
        int[] fds = Libc.pipe();
        return new Fd[] {new Fd(fds[0]), new Fd(fds[1])};
    }

    @Override
    public int fileno() {
        return fd;
    }

    /** Whether {@link #close()} has not been called yet. */
    public boolean isOpen() {
        return fd >= 0;
    }

    /** Writes {@code bytes} (as much as fits without blocking); returns the count written. */
    public int write(byte[] bytes) throws ErrnoException {
        return Libc.write(checkOpen(), bytes);
    }

    /** Reads up to {@code max} bytes: the bytes, an empty array at EOF, or null if none are waiting. */
    public byte[] read(int max) throws ErrnoException {
        return Libc.read(checkOpen(), max);
    }

    private int checkOpen() throws ErrnoException {
        if (fd < 0) {
            throw new ErrnoException("fd", Errno.EBADF);
        }
        return fd;
    }

    /** Closes the fd; idempotent. */
    @Override
    public void close() throws ErrnoException {
        int old = fd;
        if (old >= 0) {
            fd = -1;
            Libc.close(old);
        }
    }

    @Override
    public String toString() {
        return fd >= 0 ? "Fd[" + fd + "]" : "Fd[closed]";
    }
}
