package io.jselectors.server;

import io.jselectors.connection.FileRegion;
import io.jselectors.connection.WriteResult;
import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.socket.SocketOption;
import io.jselectors.posix.socket.SocketOptions;
import io.jselectors.posix.socket.Sockets;
import io.jselectors.selector.HasFileno;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorOption;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * Posix sockets as fds, read and written by address through io.jselectors.posix.
 *
 * <p>A read is {@code recv(2)} and a write of one buffer {@code send(2)} (with {@code MSG_NOSIGNAL}
 * where the OS has it), not {@code read(2)} and {@code write(2)}: on a socket they do the same, but
 * the socket calls go straight to the socket layer, where the file calls first pass the VFS (the
 * access checks and hooks, fsnotify, the file's iterator entry points). Over loopback that was ~5 %
 * of a 64-byte call's CPU here (bench/PROFILE.md, fourth pass). Several buffers still go out with one {@code writev(2)}: a
 * {@code sendmsg(2)} would need a {@code struct msghdr}, whose layout differs per OS.
 */
final class NativeTransport implements Transport {

    /**
     * The most one writev or sendfile call is asked to send, 1 GiB: below Linux's {@code
     * MAX_RW_COUNT} (2 GiB less a page, whatever the page size), which it clamps any larger count to. A call that sends less
     * than it was asked means a full socket (the caller then waits for WRITE readiness); compared
     * with the whole rest of a larger range instead, the clamp would look like one, and an
     * edge-triggered loop would wait for an edge that never comes, the socket having room all along.
     */
    static final long MAX_CALL_BYTES = 1L << 30;

    @Override
    public String name() {
        return "native";
    }

    @Override
    public Selector openSelector(String backend) throws IOException {
        if (backend == null) {
            Selector s = Selector.open();
            if (s.name().equals("nio")) {
                s.close();
                throw new IllegalArgumentException("the native transport needs a native selector backend; "
                        + "none is available here: " + Selector.available());
            }
            return s;
        }
        if (backend.equals("nio")) {
            throw new IllegalArgumentException("the native transport cannot run on the nio selector; use --transport nio");
        }
        return Selector.open(backend);
    }

    @Override
    public Selector openSelector(String backend, boolean edgeTriggered) throws IOException {
        Selector s = openSelector(backend);
        if (!edgeTriggered) {
            return s;
        }
        String name = s.name();
        s.close();
        try {
            return Selector.open(name, SelectorOption.EDGE_TRIGGERED);
        } catch (UnsupportedOperationException e) {
            return Selector.open(name); // kqueue, poll, select: level-triggered, which is always correct
        }
    }

    @Override
    public ListenSocket listen(InetSocketAddress address, int backlog, int socketBuffer) throws IOException {
        return new NativeListenSocket(Sockets.listen(address, backlog, socketBuffer));
    }

    @Override
    public IoScratch newScratch() {
        return IoScratch.forNative();
    }

    private static final class NativeListenSocket implements ListenSocket, HasFileno {
        private final int fd;
        private final InetSocketAddress local;
        private boolean closed;

        NativeListenSocket(int fd) throws ErrnoException {
            this.fd = fd;
            this.local = Sockets.localAddress(fd);
        }

        /** Itself: see {@link NativeStreamSocket#fileobj()}. */
        @Override
        public Object fileobj() {
            return this;
        }

        @Override
        public int fileno() {
            return closed ? -1 : fd;
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public StreamSocket accept(IoScratch scratch) throws IOException {
            MemorySegment state = scratch.callState;
            for (;;) {
                int rc = Sockets.accept(state, fd);
                if (rc >= 0) {
                    try {
                        SocketOptions.set(rc, SocketOption.TCP_NODELAY, 1);
                    } catch (ErrnoException e) {
                        // A connection reset before we touched it: drop it, take the next.
                        Libc.close(rc);
                        continue;
                    }
                    return new NativeStreamSocket(rc);
                }
                int errno = -rc;
                if (errno == Errno.EAGAIN) {
                    return null;
                }
                if (errno == Errno.ECONNABORTED || errno == Errno.EINTR) {
                    continue; // the peer gave up while queued; not our problem
                }
                ErrnoException error = new ErrnoException("accept", errno);
                if (errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOBUFS || errno == Errno.ENOMEM) {
                    throw new OutOfResourcesException(error.getMessage(), error);
                }
                throw error;
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            Libc.close(fd);
        }
    }

    private static final class NativeStreamSocket implements StreamSocket, HasFileno {
        private final int fd;
        /** Set by close: a closed socket's number may already name another file ({@link HasFileno}). */
        private boolean closed;
        private InetSocketAddress local;
        private InetSocketAddress remote;

        NativeStreamSocket(int fd) {
            this.fd = fd;
        }

        /**
         * Itself, which gives the selector the fd: the fd as an {@link Integer} was a new box on each
         * register, modify and unregister above 127 (the cache's end), and the registration kept
         * one per connection for life (bench/PROFILE.md, ninth pass, core). The boolean fits in the
         * object's padding.
         */
        @Override
        public Object fileobj() {
            return this;
        }

        @Override
        public int fileno() {
            return closed ? -1 : fd;
        }

        @Override
        public int read(ByteBuf dst, IoScratch scratch) throws IOException {
            int writable = dst.writableBytes();
            // SAFETY: dst is a direct buffer with a memory address, and the kernel writes at most
            // its writable bytes after the writer index; the caller holds it for the call.
            long n;
            do {
                n = Sockets.recv(scratch.callState, fd, dst.memoryAddress() + dst.writerIndex(), writable);
            } while (n == -Errno.EINTR); // retried: 0 would say drained, and under edge triggering no event follows
            if (n > 0) {
                dst.writerIndex(dst.writerIndex() + (int) n);
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            throw new ErrnoException("recv", (int) -n);
        }

        @Override
        public long write(ByteBuf first, ArrayDeque<ByteBuf> rest, int maxBuffers, IoScratch scratch) throws IOException {
            long n;
            long offered;
            int limit = Math.min(maxBuffers, IoScratch.MAX_GATHER);
            boolean single = limit == 1 || rest == null || rest.isEmpty();
            if (single) {
                ByteBuf b = first;
                offered = b.readableBytes();
                // SAFETY: the queue holds b (a buffer with an address) for the call; the kernel
                // reads its readable bytes only.
                do {
                    n = Sockets.send(scratch.callState, fd, b.memoryAddress() + b.readerIndex(), offered);
                } while (n == -Errno.EINTR); // retried: full(0) would wait for an EPOLLOUT edge that need not come
            } else {
                // SAFETY: iov holds MAX_GATHER entries of IOVEC_SIZE bytes and count never exceeds
                // MAX_GATHER; the buffers stay referenced by the queue, so their memory outlives the call.
                scratch.iov.set(ValueLayout.JAVA_LONG, 0, first.memoryAddress() + first.readerIndex());
                scratch.iov.set(ValueLayout.JAVA_LONG, 8, first.readableBytes());
                offered = first.readableBytes();
                int count = 1;
                for (ByteBuf b : rest) {
                    if (count == limit || offered + b.readableBytes() > MAX_CALL_BYTES) {
                        break; // past MAX_CALL_BYTES the kernel clamps the call, which would look like a full socket
                    }
                    long off = count * IoScratch.IOVEC_SIZE;
                    scratch.iov.set(ValueLayout.JAVA_LONG, off, b.memoryAddress() + b.readerIndex());
                    scratch.iov.set(ValueLayout.JAVA_LONG, off + 8, b.readableBytes());
                    offered += b.readableBytes();
                    count++;
                }
                do {
                    n = Libc.writev(scratch.callState, fd, scratch.iov.address(), count);
                } while (n == -Errno.EINTR);
            }
            if (n >= 0) {
                return n < offered ? WriteResult.full(n) : WriteResult.complete(n);
            }
            if (n == -Errno.EAGAIN) {
                return WriteResult.full(0);
            }
            throw new ErrnoException(single ? "send" : "writev", (int) -n);
        }

        @Override
        public FileRegion openFile(Path path, long position, long length) throws IOException {
            return SendFile.AVAILABLE ? new NativeFileRegion(path, position, length) : FileRegion.ofChannel(path, position, length);
        }

        @Override
        public long sendFile(FileRegion region, IoScratch scratch) throws IOException {
            if (!(region instanceof NativeFileRegion file) || file.copy) {
                return WriteResult.COPY;
            }
            scratch.fileOffset.set(ValueLayout.JAVA_LONG, 0, region.position());
            long asked = Math.min(region.remaining(), MAX_CALL_BYTES);
            long n;
            do {
                n = SendFile.sendfile(scratch.callState, fd, file.fd, scratch.fileOffset, asked);
            } while (n == -Errno.EINTR);
            if (n > 0) {
                // Less than asked: the socket is full. All of it (a range past MAX_CALL_BYTES): the queue sends on.
                return n < asked ? WriteResult.full(n) : WriteResult.complete(n);
            }
            if (n == 0) {
                throw new IOException("sendfile: the file ended before the range it was to send");
            }
            if (n == -Errno.EAGAIN) {
                return WriteResult.full(0);
            }
            if (n == -Errno.EINVAL || n == -Errno.ENOSYS) {
                file.copy = true; // this file (system) cannot be spliced: read it instead, from now on
                return WriteResult.COPY;
            }
            throw new ErrnoException("sendfile", (int) -n);
        }

        @Override
        public void shutdownOutput() throws IOException {
            Sockets.shutdown(fd, Sockets.SHUT_WR);
        }

        @Override
        public void resetOnClose() {
            try {
                SocketOptions.setLingerZero(fd);
            } catch (ErrnoException ignored) {
                // Already reset by the peer: closing will not send anything anyway.
            }
        }

        @Override
        public InetSocketAddress remoteAddress() {
            if (remote == null) {
                try {
                    remote = Sockets.remoteAddress(fd);
                } catch (ErrnoException e) {
                    remote = new InetSocketAddress(0);
                }
            }
            return remote;
        }

        @Override
        public InetSocketAddress localAddress() {
            if (local == null) {
                try {
                    local = Sockets.localAddress(fd);
                } catch (ErrnoException e) {
                    local = new InetSocketAddress(0);
                }
            }
            return local;
        }

        @Override
        public void close() throws IOException {
            closed = true;
            Libc.close(fd);
        }

        @Override
        public String toString() {
            return "fd " + fd;
        }
    }
}
