package io.jselectors.posix;

import java.io.IOException;

/**
 * A system call failed: Python's {@code OSError}. The message names the call, the errno's
 * symbolic name and the OS's text, e.g. {@code "epoll_ctl: EBADF (Bad file descriptor)"}.
 */
public class ErrnoException extends IOException {

    private final int errno;

    /** Creates the exception for {@code call} failing with {@code errno}. */
    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.name(errno) + " (" + Libc.strerror(errno) + ")");
        this.errno = errno;
    }

    /** The errno value. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, e.g. {@code "EBADF"}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
