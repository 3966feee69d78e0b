package io.jselectors.server;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.socket.SocketOption;
import io.jselectors.posix.socket.Sockets;
import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/** Posix sockets as fds, read and written by address through io.jselectors.posix. */
final class NativeTransport implements Transport {

    /** IOV_MAX on Linux, macOS and FreeBSD: the most buffers one writev takes. */
    static final int IOV_MAX = 1024;

    private static final long IOVEC_SIZE = 16; // struct iovec { void *base; size_t len; } on 64-bit

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
    public ListenSocket listen(InetSocketAddress address, int backlog) throws IOException {
        return new NativeListenSocket(Sockets.listen(address, backlog));
    }

    @Override
    public IoScratch newScratch() {
        return new Scratch();
    }

    /** Call state and an iovec array owned by one loop thread. */
    static final class Scratch implements IoScratch {
        final MemorySegment callState;
        final MemorySegment iov;

        Scratch() {
            Arena arena = Arena.ofAuto();
            callState = Native.newCallState(arena);
            iov = arena.allocate(IOVEC_SIZE * IOV_MAX, 8);
        }
    }

    private static final class NativeListenSocket implements ListenSocket {
        private final int fd;
        private final InetSocketAddress local;

        NativeListenSocket(int fd) throws ErrnoException {
            this.fd = fd;
            this.local = Sockets.localAddress(fd);
        }

        @Override
        public Object fileobj() {
            return fd;
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public StreamSocket accept(IoScratch scratch) throws IOException {
            MemorySegment state = ((Scratch) scratch).callState;
            for (;;) {
                int rc = Sockets.accept(state, fd);
                if (rc >= 0) {
                    try {
                        Sockets.setOption(rc, SocketOption.TCP_NODELAY, 1);
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
                throw new ErrnoException("accept", errno);
            }
        }

        @Override
        public void close() throws IOException {
            Libc.close(fd);
        }
    }

    private static final class NativeStreamSocket implements StreamSocket {
        private final int fd;
        private InetSocketAddress local;
        private InetSocketAddress remote;

        NativeStreamSocket(int fd) {
            this.fd = fd;
        }

        @Override
        public Object fileobj() {
            return fd;
        }

        @Override
        public int read(ByteBuf dst, IoScratch scratch) throws IOException {
            int writable = dst.writableBytes();
            long n = Libc.read(((Scratch) scratch).callState, fd, dst.memoryAddress() + dst.writerIndex(), writable);
            if (n > 0) {
                dst.writerIndex(dst.writerIndex() + (int) n);
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
                return 0;
            }
            throw new ErrnoException("read", (int) -n);
        }

        @Override
        public long write(ArrayDeque<ByteBuf> queue, IoScratch scratch) throws IOException {
            Scratch s = (Scratch) scratch;
            long n;
            if (queue.size() == 1) {
                ByteBuf b = queue.peekFirst();
                n = Libc.write(s.callState, fd, b.memoryAddress() + b.readerIndex(), b.readableBytes());
            } else {
                int count = 0;
                // SAFETY: iov holds IOV_MAX entries of 16 bytes and count never exceeds IOV_MAX; the
                // buffers stay referenced by the queue, so their memory outlives the call.
                for (ByteBuf b : queue) {
                    if (count == IOV_MAX) {
                        break;
                    }
                    long off = count * IOVEC_SIZE;
                    s.iov.set(ValueLayout.JAVA_LONG, off, b.memoryAddress() + b.readerIndex());
                    s.iov.set(ValueLayout.JAVA_LONG, off + 8, b.readableBytes());
                    count++;
                }
                n = Libc.writev(s.callState, fd, s.iov.address(), count);
            }
            if (n >= 0) {
                return n;
            }
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
                return 0;
            }
            throw new ErrnoException("writev", (int) -n);
        }

        @Override
        public void shutdownOutput() throws IOException {
            Sockets.shutdown(fd, Sockets.SHUT_WR);
        }

        @Override
        public void resetOnClose() {
            try {
                Sockets.setLingerZero(fd);
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
            Libc.close(fd);
        }

        @Override
        public String toString() {
            return "fd " + fd;
        }
    }
}
