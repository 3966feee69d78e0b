package io.jselectors.selector.contract;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Fd;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Connected pairs of file objects for the contract suite: what a backend registers, plus the
 * plumbing a test needs around them (write into one side, read from the other, close a side).
 *
 * <p>Two kinds: {@link #posixSocketPair()} gives {@link Fd} objects over an AF_UNIX socketpair, what
 * every native backend takes; {@link #channelPair()} gives non-blocking {@link SocketChannel}s over
 * a UNIX-domain socket, what the {@code nio} backend takes.
 */
public final class Endpoints {

    private Endpoints() {}

    /**
     * A connected, bidirectional, non-blocking pair. Side A and side B are symmetric: bytes written
     * into one are read from the other. Closing the pair closes both sides; every close is
     * idempotent.
     */
    public interface Pair extends AutoCloseable {

        /** Side A's file object, as passed to {@code register}. */
        Object a();

        /** Side B's file object, as passed to {@code register}. */
        Object b();

        /** Side A's fd, or {@code -1} if this pair has no fds a test may use (channels). */
        int fdA();

        /** Side B's fd, or {@code -1} if this pair has no fds a test may use (channels). */
        int fdB();

        /** Writes into side A (read from B); returns how many bytes fitted. */
        int writeA(byte[] bytes) throws IOException;

        /** Writes into side B (read from A); returns how many bytes fitted. */
        int writeB(byte[] bytes) throws IOException;

        /** Reads up to {@code max} bytes waiting on side A: the bytes, empty at EOF, null if none. */
        byte[] readA(int max) throws IOException;

        /** Reads up to {@code max} bytes waiting on side B: the bytes, empty at EOF, null if none. */
        byte[] readB(int max) throws IOException;

        /** Closes side A. */
        void closeA() throws IOException;

        /** Closes side B. */
        void closeB() throws IOException;

        /** Whether the sides have int fds ({@link #fdA()} and {@link #fdB()} are not -1). */
        default boolean hasFds() {
            return fdA() >= 0;
        }

        /** Closes both sides. */
        @Override
        default void close() throws IOException {
            try {
                closeA();
            } finally {
                closeB();
            }
        }
    }

    /** A non-blocking AF_UNIX socketpair as two {@link Fd}s. */
    public static Pair posixSocketPair() throws IOException {
        Fd[] fds = Fd.socketPair();
        return new FdPair(fds[0], fds[1]);
    }

    /**
     * Two connected, non-blocking UNIX-domain {@link SocketChannel}s. The rendezvous socket file
     * lives in a fresh temporary directory and is deleted as soon as the pair is connected.
     */
    public static Pair channelPair() throws IOException {
        Path dir = Files.createTempDirectory("jselectors-pair");
        Path path = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            SocketChannel a = SocketChannel.open(UnixDomainSocketAddress.of(path));
            SocketChannel b;
            try {
                b = server.accept();
            } catch (IOException e) {
                a.close();
                throw e;
            }
            a.configureBlocking(false);
            b.configureBlocking(false);
            return new ChannelPair(a, b);
        } finally {
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * The fds are captured at creation, so {@link #fdA()} still names the number a side had after
     * it was closed: what "close, then dup2 something onto that number" tests need.
     */
    private record FdPair(Fd a, Fd b, int fdA, int fdB) implements Pair {
        FdPair(Fd a, Fd b) {
            this(a, b, a.fileno(), b.fileno());
        }

        @Override
        public int writeA(byte[] bytes) throws IOException {
            return write(a, bytes);
        }

        @Override
        public int writeB(byte[] bytes) throws IOException {
            return write(b, bytes);
        }

        // A full socket buffer is "0 bytes fitted", as a non-blocking channel reports it.
        private static int write(Fd fd, byte[] bytes) throws IOException {
            try {
                return fd.write(bytes);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EAGAIN) {
                    return 0;
                }
                throw e;
            }
        }

        @Override
        public byte[] readA(int max) throws IOException {
            return a.read(max);
        }

        @Override
        public byte[] readB(int max) throws IOException {
            return b.read(max);
        }

        @Override
        public void closeA() throws IOException {
            a.close();
        }

        @Override
        public void closeB() throws IOException {
            b.close();
        }
    }

    private record ChannelPair(SocketChannel a, SocketChannel b) implements Pair {
        @Override
        public int fdA() {
            return -1;
        }

        @Override
        public int fdB() {
            return -1;
        }

        @Override
        public int writeA(byte[] bytes) throws IOException {
            return a.write(ByteBuffer.wrap(bytes));
        }

        @Override
        public int writeB(byte[] bytes) throws IOException {
            return b.write(ByteBuffer.wrap(bytes));
        }

        @Override
        public byte[] readA(int max) throws IOException {
            return read(a, max);
        }

        @Override
        public byte[] readB(int max) throws IOException {
            return read(b, max);
        }

        private static byte[] read(SocketChannel channel, int max) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(max);
            int n = channel.read(buf);
            if (n < 0) {
                return new byte[0];
            }
            return n == 0 ? null : Arrays.copyOf(buf.array(), n);
        }

        @Override
        public void closeA() throws IOException {
            a.close();
        }

        @Override
        public void closeB() throws IOException {
            b.close();
        }
    }
}
