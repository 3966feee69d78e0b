package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.connection.ConnectionContract;
import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The contract suite's view of the server: a one-worker server on 127.0.0.1 port 0 whose protocol
 * hands out the handlers the tests give; the peer is a blocking {@link Socket}.
 */
final class ServerHarness implements ConnectionContract.Harness {

    /** How long a peer's read may block before the test fails as hung (a CI machine can be slow). */
    private static final int READ_TIMEOUT_MS = 20_000;

    private final ConcurrentLinkedQueue<ProtocolHandler> handlers = new ConcurrentLinkedQueue<>();
    private final Server server;
    private final InetSocketAddress address;
    private final long leaksBefore;

    ServerHarness(String transport, String selector) throws IOException, InterruptedException {
        leaksBefore = Leaks.count();
        Protocols protocols = new Protocols();
        protocols.add(new Protocol() {
            @Override
            public String name() {
                return "contract";
            }

            @Override
            public int defaultPort() {
                return 0;
            }

            @Override
            public ProtocolHandler newHandler(ListenerContext listener) {
                return handlers.poll();
            }
        });
        ServerSettings settings = ServerSettings.defaults(List.of(ServerSettings.ListenerSpec.parse("contract=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1)
                .withTransport(transport, selector)
                .withLimits(Duration.ZERO, 1000, Duration.ofSeconds(1));
        server = Server.start(settings, protocols, new SimpleMeterRegistry());
        address = server.address("contract");
    }

    @Override
    public ConnectionContract.Peer connect(ProtocolHandler handler) throws IOException {
        handlers.add(handler);
        Socket socket = new Socket();
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.connect(address);
        return new Peer(socket);
    }

    @Override
    public void run(Connection connection, Runnable task) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        connection.loop().execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        done.get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** Stops the server, then fails if Netty's PARANOID detector reported a leaked buffer meanwhile. */
    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        assertThat(leaksBefore).as("the counting leak detector is installed").isNotNegative();
        assertThat(Leaks.collected() - leaksBefore).as("buffers leaked (see Netty's LEAK report above)").isZero();
    }

    private record Peer(Socket socket) implements ConnectionContract.Peer {
        @Override
        public void send(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
        }

        @Override
        public byte[] read(int n) throws IOException {
            byte[] bytes = socket.getInputStream().readNBytes(n);
            if (bytes.length < n) {
                throw new IOException("the peer expected " + n + " bytes; the connection sent " + bytes.length + " and closed");
            }
            return bytes;
        }

        @Override
        public byte[] readToEnd() throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    got.write(chunk, 0, n);
                }
            } catch (SocketException reset) {
                // A reset ends the stream too (an aborted connection may send RST).
            }
            return got.toByteArray();
        }

        @Override
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
