package io.jselectors.posix.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Real TCP sockets on 127.0.0.1 and ::1. */
class SocketsTest {

    private static final InetSocketAddress LOOPBACK4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final List<Integer> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws ErrnoException {
        for (int fd : opened) {
            Libc.close(fd);
        }
    }

    private int track(int fd) {
        opened.add(fd);
        return fd;
    }

    /** Retries {@code attempt} until it returns something other than -1, for up to 5 s. */
    static int await(IntSupplier attempt) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            int r = attempt.getAsInt();
            if (r != -1) {
                return r;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("nothing happened within 5 s");
    }

    /** [client, accepted] connected over {@code local}. */
    private int[] connectedPair(InetSocketAddress local) throws Exception {
        int listener = track(Sockets.listen(local, 16));
        InetSocketAddress bound = Sockets.localAddress(listener);
        int client = track(Sockets.connect(bound));
        int accepted = track(await(() -> {
            try {
                return Sockets.accept(listener);
            } catch (ErrnoException e) {
                throw new AssertionError(e);
            }
        }));
        await(() -> {
            try {
                return Sockets.remoteAddress(client) != null ? 0 : -1;
            } catch (ErrnoException e) {
                return -1; // ENOTCONN while the connect is still in progress
            }
        });
        Sockets.finishConnect(client);
        return new int[] {client, accepted};
    }

    @Test
    void listenConnectAcceptAndExchangeBytesOverIpv4() throws Exception {
        int[] pair = connectedPair(LOOPBACK4);
        InetSocketAddress clientLocal = Sockets.localAddress(pair[0]);
        assertEquals(clientLocal, Sockets.remoteAddress(pair[1]));
        assertEquals(Sockets.localAddress(pair[1]), Sockets.remoteAddress(pair[0]));
        assertEquals(InetAddress.getLoopbackAddress(), clientLocal.getAddress());

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.newCallState(arena);
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, "ping".getBytes());
            assertEquals(4, Sockets.send(state, pair[0], buf.address(), 4));
            MemorySegment in = arena.allocate(16);
            long n = await(() -> (int) Math.max(-1, Sockets.recv(state, pair[1], in.address(), 16)));
            assertEquals(4, n);
            assertArrayEquals("ping".getBytes(), in.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(-Errno.EAGAIN, Sockets.recv(state, pair[1], in.address(), 16));
        }
    }

    @Test
    void ipv6Loopback() throws Exception {
        int probe;
        try {
            probe = Sockets.listen(new InetSocketAddress("::1", 0), 1);
        } catch (ErrnoException e) {
            Assumptions.assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
            return;
        }
        Libc.close(probe);
        int[] pair = connectedPair(new InetSocketAddress("::1", 0));
        assertEquals(InetAddress.getByName("::1"), Sockets.localAddress(pair[0]).getAddress());
        assertEquals(Sockets.localAddress(pair[0]), Sockets.remoteAddress(pair[1]));
        SocketOptions.set(pair[1], SocketOption.TCP_NODELAY, 1);
        int listener = track(Sockets.socket(new InetSocketAddress("::1", 0)));
        SocketOptions.set(listener, SocketOption.IPV6_V6ONLY, 1);
        assertNotEquals(0, SocketOptions.get(listener, SocketOption.IPV6_V6ONLY));
    }

    @Test
    void acceptWithNothingPending() throws Exception {
        int listener = track(Sockets.listen(LOOPBACK4, 4));
        assertEquals(-1, Sockets.accept(listener));
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(-Errno.EAGAIN, Sockets.accept(Native.newCallState(arena), listener));
        }
    }

    @Test
    void acceptedSocketsAreNonBlockingAndCloseOnExec() throws Exception {
        int[] pair = connectedPair(LOOPBACK4);
        for (int fd : pair) {
            assertNotEquals(0, Libc.fcntl(fd, Libc.C.fGetfl(), 0) & Libc.C.oNonblock(), "O_NONBLOCK on " + fd);
            assertNotEquals(0, Libc.fcntl(fd, Libc.C.fGetfd(), 0) & Libc.C.fdCloexec(), "FD_CLOEXEC on " + fd);
        }
    }

    @Test
    void intOptionsRoundTrip() throws Exception {
        int fd = track(Sockets.socket(LOOPBACK4));
        for (SocketOption option : new SocketOption[] {
            SocketOption.SO_REUSEADDR, SocketOption.SO_REUSEPORT, SocketOption.SO_KEEPALIVE, SocketOption.TCP_NODELAY}) {
            SocketOptions.set(fd, option, 1);
            assertNotEquals(0, SocketOptions.get(fd, option), option.name());
            SocketOptions.set(fd, option, 0);
            assertEquals(0, SocketOptions.get(fd, option), option.name());
        }
        SocketOptions.set(fd, SocketOption.SO_SNDBUF, 64 * 1024);
        assertTrue(SocketOptions.get(fd, SocketOption.SO_SNDBUF) >= 64 * 1024);
        SocketOptions.set(fd, SocketOption.SO_RCVBUF, 64 * 1024);
        assertTrue(SocketOptions.get(fd, SocketOption.SO_RCVBUF) >= 64 * 1024);
        assertEquals(0, SocketOptions.pendingError(fd));
    }

    @Test
    void aListenersBufferSizesReachTheConnectionsItAccepts() throws Exception {
        int listener = track(Sockets.listen(LOOPBACK4, 16, 32 * 1024));
        track(Sockets.connect(Sockets.localAddress(listener)));
        int accepted = track(await(() -> {
            try {
                return Sockets.accept(listener);
            } catch (ErrnoException e) {
                throw new AssertionError(e);
            }
        }));
        // Linux reports double what was set (its bookkeeping share); its defaults for an accepted
        // socket (tcp_rmem's 128 KiB, tcp_wmem's 16 KiB) both fall outside the range.
        for (SocketOption option : new SocketOption[] {SocketOption.SO_RCVBUF, SocketOption.SO_SNDBUF}) {
            int size = SocketOptions.get(accepted, option);
            assertTrue(size >= 32 * 1024 && size <= 64 * 1024, option + " of the accepted socket: " + size);
        }
    }

    @Test
    void refusedConnectIsReportedByFinishConnect() throws Exception {
        // Bind a port, then close it without listening: nothing accepts there any more.
        int placeholder = Sockets.socket(LOOPBACK4);
        Sockets.bind(placeholder, LOOPBACK4);
        InetSocketAddress dead = Sockets.localAddress(placeholder);
        Libc.close(placeholder);

        int client;
        try {
            client = track(Sockets.connect(dead));
        } catch (ErrnoException e) {
            assertEquals(Errno.ECONNREFUSED, e.errno()); // some kernels refuse at once
            return;
        }
        // Without a selector at hand: SO_ERROR reads 0 until the refusal arrives, then the error.
        int error = await(() -> {
            try {
                Sockets.finishConnect(client);
                return -1;
            } catch (ErrnoException e) {
                return e.errno();
            }
        });
        assertEquals(Errno.ECONNREFUSED, error);
        assertEquals(0, SocketOptions.pendingError(client), "SO_ERROR is cleared once read");
    }

    @Test
    void shutdownWriteGivesThePeerEof() throws Exception {
        int[] pair = connectedPair(LOOPBACK4);
        Sockets.shutdown(pair[0], Sockets.SHUT_WR);
        byte[] got = awaitRead(pair[1]);
        assertEquals(0, got.length, "EOF");
    }

    @Test
    void lingerZeroCloseResetsThePeer() throws Exception {
        int[] pair = connectedPair(LOOPBACK4);
        SocketOptions.setLingerZero(pair[1]);
        opened.remove((Integer) pair[1]);
        Libc.close(pair[1]);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.newCallState(arena);
            MemorySegment buf = arena.allocate(16);
            int n = await(() -> {
                long r = Sockets.recv(state, pair[0], buf.address(), 16);
                return r == -Errno.EAGAIN ? -1 : (int) r;
            });
            assertEquals(-Errno.ECONNRESET, n);
        }
    }

    /**
     * Writing to a socket whose peer has gone must give EPIPE or ECONNRESET and never kill the JVM
     * with SIGPIPE: through send(MSG_NOSIGNAL) and through plain write(2).
     */
    @Test
    void writeToClosedPeerReturnsAnErrorInsteadOfSigpipe() throws Exception {
        for (boolean plainWrite : new boolean[] {false, true}) {
            int[] pair = connectedPair(LOOPBACK4);
            opened.remove((Integer) pair[1]);
            Libc.close(pair[1]);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = Native.newCallState(arena);
                MemorySegment buf = arena.allocate(1024);
                long last = 0;
                // The first write after close usually succeeds (the peer answers it with RST);
                // a later one fails. 200 attempts with pauses is far more than any kernel needs.
                for (int i = 0; i < 200 && last >= 0; i++) {
                    last = plainWrite
                            ? Libc.write(state, pair[0], buf.address(), buf.byteSize())
                            : Sockets.send(state, pair[0], buf.address(), buf.byteSize());
                    if (last >= 0 || last == -Errno.EAGAIN) {
                        last = Math.max(last, 0);
                        Thread.sleep(5);
                    }
                }
                long errno = -last;
                assertTrue(errno == Errno.EPIPE || errno == Errno.ECONNRESET,
                        (plainWrite ? "write" : "send") + " gave " + Errno.name((int) errno));
            }
        }
    }

    @Test
    void badFdsGiveNamedErrors() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Sockets.listen(-5, 1));
        assertEquals(Errno.EBADF, e.errno());
        assertTrue(e.getMessage().startsWith("listen: EBADF"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Sockets.connect(InetSocketAddress.createUnresolved("example.invalid", 1)));
        assertFalse(Sockets.familyOf(LOOPBACK4) == Libc.C.afInet6());
    }

    private static byte[] awaitRead(int fd) throws Exception {
        for (int i = 0; i < 1000; i++) {
            byte[] got = Libc.read(fd, 64);
            if (got != null) {
                return got;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("nothing to read within 5 s");
    }
}
