package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.connection.ConnectionContract;
import io.jselectors.connection.tls.TlsObserver;
import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.server.tls.CertifiedKey;
import io.jselectors.server.tls.SelfSignedCertificate;
import io.jselectors.server.tls.TlsListeners;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The contract suite's view of the server: a one-worker server on 127.0.0.1 port 0 whose protocol
 * hands out the handlers the tests give; the peer is a blocking {@link Socket}, or over TLS the
 * JDK's {@link SSLSocket} layered on it (trusting the listener's self-signed certificate).
 */
final class ServerHarness implements ConnectionContract.Harness {

    /** How long a peer's read may block before the test fails as hung (a CI machine can be slow). */
    private static final int READ_TIMEOUT_MS = 20_000;
    /** The name the test certificate is for, and the TLS client checks. */
    private static final String HOST = "localhost";

    private final ConcurrentLinkedQueue<ProtocolHandler> handlers = new ConcurrentLinkedQueue<>();
    private final Server server;
    private final InetSocketAddress address;
    private final long leaksBefore;
    /** The TLS client's context when the listener is TLS; {@code null} for plaintext. */
    private final SSLContext client;
    private final TlsListeners tls;

    ServerHarness(String transport, String selector) throws Exception {
        this(transport, selector, false);
    }

    /** A harness whose listener serves TLS when {@code overTls}. */
    ServerHarness(String transport, String selector, boolean overTls) throws Exception {
        this(transport, selector, overTls, ServerSettings.DEFAULT_MAX_READS);
    }

    /** As above, with at most {@code maxReadsPerEvent} reads per readiness event. */
    ServerHarness(String transport, String selector, boolean overTls, int maxReadsPerEvent) throws Exception {
        this(transport, selector, overTls, maxReadsPerEvent, null);
    }

    /**
     * As above; {@code edgeTriggered} pins the worker loops' triggering for this server ({@code
     * Server.EDGE_TRIGGERED_PROPERTY}, read at start), or {@code null} leaves the server's default.
     */
    ServerHarness(String transport, String selector, boolean overTls, int maxReadsPerEvent, Boolean edgeTriggered)
            throws Exception {
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
        String spec = overTls ? "contract" + TlsListeners.SUFFIX + "=127.0.0.1:0" : "contract=127.0.0.1:0";
        ServerSettings settings = ServerSettings.defaults(List.of(ServerSettings.ListenerSpec.parse(spec, "127.0.0.1")))
                .withWorkers(1)
                .withTransport(transport, selector)
                .withLimits(Duration.ZERO, 1000, Duration.ofSeconds(1));
        settings = new ServerSettings(settings.listeners(), settings.workers(), settings.selector(), settings.transport(),
                settings.idleTimeout(), settings.maxConnections(), settings.drainTimeout(), settings.options(),
                settings.highWaterMark(), settings.lowWaterMark(), maxReadsPerEvent, settings.sockets());
        if (overTls) {
            CertifiedKey key = SelfSignedCertificate.generate(List.of(HOST), Instant.now());
            tls = TlsTestServer.listeners(key, TlsObserver.NONE);
            client = TlsTestServer.trusting(key);
        } else {
            tls = null;
            client = null;
        }
        server = startPinned(settings, protocols, tls, edgeTriggered);
        address = server.address("contract");
    }

    /** Starts the server with the triggering property set to {@code edgeTriggered} (unless null), then restores it. */
    private static Server startPinned(ServerSettings settings, Protocols protocols, TlsListeners tls, Boolean edgeTriggered)
            throws IOException {
        if (edgeTriggered == null) {
            return Server.start(settings, protocols, new SimpleMeterRegistry(), "", tls);
        }
        String before = System.setProperty(Server.EDGE_TRIGGERED_PROPERTY, edgeTriggered.toString());
        try {
            return Server.start(settings, protocols, new SimpleMeterRegistry(), "", tls);
        } finally {
            if (before == null) {
                System.clearProperty(Server.EDGE_TRIGGERED_PROPERTY);
            } else {
                System.setProperty(Server.EDGE_TRIGGERED_PROPERTY, before);
            }
        }
    }

    /** The server under test (its boss loop, for the accept cases). */
    Server server() {
        return server;
    }

    @Override
    public ConnectionContract.Peer connect(ProtocolHandler handler) throws IOException {
        handlers.add(handler);
        Socket socket = new Socket();
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.connect(address);
        if (client == null) {
            return new Peer(socket, socket);
        }
        SSLSocket ssl = (SSLSocket) client.getSocketFactory().createSocket(socket, HOST, address.getPort(), true);
        ssl.setUseClientMode(true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        try {
            ssl.startHandshake();
        } catch (IOException closedMeanwhile) {
            // The connection closed during the handshake (a handler that aborts at once): the
            // test's reads see it closed, as a plaintext peer would.
        }
        return new Peer(ssl, socket);
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
        if (tls != null) {
            tls.close();
        }
        assertThat(leaksBefore).as("the counting leak detector is installed").isNotNegative();
        assertThat(Leaks.collected() - leaksBefore).as("buffers leaked (see Netty's LEAK report above)").isZero();
    }

    /**
     * The peer: {@code socket} carries the stream (the TLS socket over TLS), {@code raw} is the TCP
     * socket under it. A half-close and a reset act on TCP, as they do in plaintext: a half-close is
     * an end of stream without {@code close_notify}, which a TLS connection reads as input closed.
     */
    private record Peer(Socket socket, Socket raw) implements ConnectionContract.Peer {
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
            byte[] chunk = new byte[64 * 1024];
            try {
                InputStream in = socket.getInputStream(); // a TLS socket that failed its handshake is closed already
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    got.write(chunk, 0, n);
                }
            } catch (SocketException | SSLException reset) {
                // A reset ends the stream too (an aborted connection may send RST, and over TLS
                // an abort before or during the handshake ends it with no close_notify).
            }
            return got.toByteArray();
        }

        @Override
        public void shutdownOutput() throws IOException {
            raw.shutdownOutput();
        }

        @Override
        public void reset() throws IOException {
            raw.setSoLinger(true, 0);
            raw.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
