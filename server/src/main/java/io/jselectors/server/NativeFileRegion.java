package io.jselectors.server;

import io.jselectors.connection.FileRegion;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A file range held as an fd, for {@code sendfile(2)} on the native transport. Should the kernel
 * refuse to splice this file (a file system without support), it is read through a FileChannel
 * opened on the same path instead.
 */
final class NativeFileRegion extends FileRegion {

    final int fd;
    /** Set once sendfile refused this file: it is read through buffers from then on. */
    boolean copy;
    private final Path path;
    private FileRegion fallback;

    NativeFileRegion(Path path, long position, long length) throws ErrnoException {
        super(position, length);
        this.path = path;
        this.fd = SendFile.open(path);
    }

    @Override
    public void read(ByteBuf dst) throws IOException {
        if (fallback == null) {
            fallback = FileRegion.ofChannel(path, position(), remaining());
        }
        fallback.read(dst);
        fallback.advance(Math.min(dst.readableBytes(), fallback.remaining()));
    }

    @Override
    public void close() {
        if (fallback != null) {
            fallback.close();
        }
        try {
            Libc.close(fd);
        } catch (ErrnoException ignored) {
            // Read-only: closing cannot lose data.
        }
    }
}
