package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The echo protocol served over real sockets on 127.0.0.1, on both transports and on the epoll and
 * poll backends: many clients, backpressure, half-close, resets, limits and shutdown.
 */
class EchoServerTest {

    private Server server;
    private SimpleMeterRegistry registry;

    static Stream<Arguments> transports() {
        return Stream.of(
                Arguments.of("native", "epoll"),
                Arguments.of("native", "poll"),
                Arguments.of("nio", "nio"));
    }

    private InetSocketAddress start(String transport, String selector, int workers, Duration idle, int maxConns,
            Duration drain) throws IOException {
        ServerSettings settings = ServerSettings.defaults(
                        List.of(ServerSettings.ListenerSpec.parse("echo=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(workers)
                .withTransport(transport, selector)
                .withLimits(idle, maxConns, drain);
        registry = new SimpleMeterRegistry();
        server = Server.start(settings, registry);
        assertEquals(selector, server.backend());
        return server.address("echo");
    }

    private InetSocketAddress start(String transport, String selector) throws IOException {
        return start(transport, selector, 2, Duration.ZERO, 10_000, Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void echoesCheckedPayloadsFor1000ConcurrentClients(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector);
        int clients = 1000;
        int size = 4096;
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
                List<SocketChannel> channels = new ArrayList<>();
                try {
                    for (int i = 0; i < clients; i++) {
                        SocketChannel ch = SocketChannel.open();
                        channels.add(ch);
                        ch.connect(address);
                        ch.configureBlocking(false);
                        ClientState st = new ClientState(payload(i, size));
                        ch.register(sel, SelectionKey.OP_WRITE | SelectionKey.OP_READ, st);
                    }
                    int done = 0;
                    while (done < clients) {
                        sel.select(1000);
                        for (SelectionKey key : sel.selectedKeys()) {
                            SocketChannel ch = (SocketChannel) key.channel();
                            ClientState st = (ClientState) key.attachment();
                            if (key.isWritable() && st.out.hasRemaining()) {
                                ch.write(st.out);
                                if (!st.out.hasRemaining()) {
                                    key.interestOps(SelectionKey.OP_READ);
                                }
                            }
                            if (key.isReadable()) {
                                int n = ch.read(st.in);
                                assertThat(n).as("server closed early").isNotNegative();
                                if (!st.in.hasRemaining()) {
                                    assertThat(st.in.array()).isEqualTo(st.expected);
                                    key.cancel();
                                    done++;
                                }
                            }
                        }
                        sel.selectedKeys().clear();
                    }
                } finally {
                    for (SocketChannel ch : channels) {
                        ch.close();
                    }
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void clientThatNeverReadsCannotGrowServerMemory(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector);
        AtomicLong sent = new AtomicLong();
        long wanted = 256L << 20; // 256 MiB: far beyond any buffer along the way
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(address);
            s.setSoTimeout(5000);
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    OutputStream out = s.getOutputStream();
                    while (sent.get() < wanted) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException ignored) {
                    // the socket is closed at the end of the test
                }
            });
            // Let the client write until every buffer between it and the server is full.
            long last = -1;
            for (int i = 0; i < 100 && sent.get() != last; i++) {
                last = sent.get();
                Thread.sleep(200);
            }
            assertThat(sent.get()).as("the client is blocked: the server stopped reading").isLessThan(wanted);
            double serverRead = FunctionCounter.class.cast(registry.find("jselectors.read").meter()).count();
            // What the server holds is what it read minus what it echoed: bounded by the water mark
            // plus one read batch, whatever the client tried to send.
            double serverWritten = FunctionCounter.class.cast(registry.find("jselectors.written").meter()).count();
            assertThat(serverRead - serverWritten)
                    .as("bytes held by the server")
                    .isLessThanOrEqualTo(ServerSettings.DEFAULT_HIGH_WATER + 16.0 * io.jselectors.connection.ConnectionLimits.MAX_READ);
            s.close();
            writer.join(5000);
        }
        awaitNoConnections();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void halfCloseFinishesEchoingThenCloses(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector);
        byte[] data = payload(7, 300_000);
        try (Socket s = new Socket()) {
            s.connect(address);
            s.setSoTimeout(10_000);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes(); // returns at the server's FIN
            writer.join();
            assertThat(back).isEqualTo(data);
        }
        awaitNoConnections();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void clientResettingMidWriteDoesNotDisturbOthers(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector);
        try (Socket bystander = new Socket()) {
            bystander.connect(address);
            bystander.setSoTimeout(5000);
            for (int round = 0; round < 20; round++) {
                try (Socket s = new Socket()) {
                    s.connect(address);
                    s.setOption(StandardSocketOptions.SO_LINGER, 0);
                    OutputStream out = s.getOutputStream();
                    out.write(new byte[200_000]);
                } // SO_LINGER 0: close sends RST while the server is still echoing
                assertEchoes(bystander, ("ping " + round + "\n").getBytes());
            }
        }
        awaitNoConnections();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void maxConnectionsIsEnforced(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, 1, Duration.ZERO, 2, Duration.ofSeconds(2));
        try (Socket a = new Socket(); Socket b = new Socket(); Socket c = new Socket()) {
            a.connect(address);
            b.connect(address);
            a.setSoTimeout(5000);
            b.setSoTimeout(5000);
            assertEchoes(a, "a".getBytes());
            assertEchoes(b, "b".getBytes());
            c.connect(address);
            c.setSoTimeout(5000);
            assertEquals(-1, c.getInputStream().read(), "the third connection is closed at once");
            assertEchoes(a, "still fine".getBytes());
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void idleConnectionsAreClosed(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector, 1, Duration.ofMillis(300), 100, Duration.ofSeconds(2));
        try (Socket s = new Socket()) {
            s.connect(address);
            s.setSoTimeout(10_000);
            assertEchoes(s, "hello".getBytes());
            long t0 = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "closed by the idle timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
        awaitNoConnections(); // the count moves just after the socket closes
        assertThat(registry.find("jselectors.connections.closed").tag("cause", "idle").counter().count()).isEqualTo(1.0);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void theIdleSweepClosesEveryIdleConnectionOfAWorker(String transport, String selector) throws Exception {
        // One worker's sweep closes its connections one after another while it walks their list.
        InetSocketAddress address = start(transport, selector, 1, Duration.ofMillis(300), 100, Duration.ofSeconds(2));
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Socket s = new Socket();
                s.connect(address);
                s.setSoTimeout(10_000);
                assertEchoes(s, ("client " + i).getBytes());
                clients.add(s);
            }
            for (Socket s : clients) {
                assertEquals(-1, s.getInputStream().read(), "closed by the idle timeout");
            }
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        awaitNoConnections();
        assertThat(registry.find("jselectors.connections.closed").tag("cause", "idle").counter().count()).isEqualTo(6.0);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void shutdownClosesOpenConnectionsAndStopsListening(String transport, String selector) throws Exception {
        // A drain deadline no test waits for: shutdown must finish because the handlers closed,
        // not because the deadline passed (the patience below is generous for a loaded machine).
        InetSocketAddress address = start(transport, selector, 2, Duration.ZERO, 10_000, Duration.ofHours(1));
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Socket s = new Socket();
                s.connect(address);
                s.setSoTimeout(5000);
                assertEchoes(s, ("client " + i).getBytes());
                clients.add(s);
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60), server::shutdown);
            for (Socket s : clients) {
                assertEquals(-1, s.getInputStream().read(), "closed by the shutdown");
            }
            try (Socket late = new Socket()) {
                org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> late.connect(address, 2000));
            }
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        assertThat(registry.find("jselectors.connections.closed").tag("cause", "shutdown").counter().count()).isEqualTo(10.0);
    }

    // ---------------------------------------------------------------- helpers

    private static void assertEchoes(Socket s, byte[] data) throws IOException {
        s.getOutputStream().write(data);
        InputStream in = s.getInputStream();
        byte[] back = in.readNBytes(data.length);
        assertThat(back).isEqualTo(data);
    }

    private void awaitNoConnections() throws InterruptedException {
        for (int i = 0; i < 500 && server.openConnections() > 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(0, server.openConnections(), "every connection was released");
    }

    static byte[] payload(int seed, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }

    private static final class ClientState {
        final byte[] expected;
        final ByteBuffer out;
        final ByteBuffer in;

        ClientState(byte[] data) {
            expected = data;
            out = ByteBuffer.wrap(Arrays.copyOf(data, data.length));
            in = ByteBuffer.allocate(data.length);
        }
    }
}
