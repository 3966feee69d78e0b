package io.jselectors.protocol.testkit;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The test's TLS client for one {@link TestConnection} of a tester built {@link
 * ProtocolTester#overTls over TLS}: a client-mode {@link SSLEngine} in memory that turns what the
 * test {@link TestConnection#receive sends} into TLS records for the server's TLS layer, and the
 * records that layer sends back into what {@link TestConnection#takeOutput()} returns. Real
 * records flow both ways; the handshake runs inside {@link ProtocolTester#connect()}, and the
 * client checks the server's test certificate against {@link #SERVER_NAME}.
 *
 * {@snippet :
 * try (ProtocolTester tester = ProtocolTester.overTls(new EchoProtocol())) {
 *     TestConnection connection = tester.connect(); // handshake done
 *     connection.receive("hello");
 *     assertThat(connection.takeOutputString()).isEqualTo("hello");
 *     assertThat(connection.tls().protocol()).isEqualTo("TLSv1.3");
 *     connection.close();
 *     connection.takeOutput();
 *     assertThat(connection.tls().closeNotifyReceived()).isTrue();
 * }
 * }
 *
 * <p>What the client saw is as of the test's last {@link TestConnection#takeOutput()}: the client
 * reads the server's records only then. A record cut by a limited {@link
 * TestConnection#socketCapacity socket capacity} is decrypted once the rest has been taken. The
 * peer's {@link TestConnection#peerShutdownOutput()} is a TCP end of stream without {@code
 * close_notify}; {@link #sendCloseNotify()} is the orderly TLS close.
 */
public final class TlsClient {

    /** The host name the client expects in the server's certificate (the test certificate's). */
    public static final String SERVER_NAME = "localhost";

    /**
     * Flights {@link ProtocolTester#connect()} exchanges before it declares the handshake stuck: a
     * TLS 1.3 handshake takes two, TLS 1.2 three; more is an engine that stopped making progress.
     */
    static final int MAX_HANDSHAKE_FLIGHTS = 16;

    private final SSLEngine engine;
    private final TestConnection connection;
    private ByteBuffer wire = ByteBuffer.allocate(0);
    private final ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
    private boolean handshakeDone;
    private boolean closeNotifyReceived;
    private boolean sentSomething;

    TlsClient(SSLEngine engine, TestConnection connection) {
        this.engine = engine;
        this.connection = connection;
    }

    /** The negotiated protocol version, e.g. {@code TLSv1.3}. */
    public String protocol() {
        return engine.getSession().getProtocol();
    }

    /** The negotiated cipher suite. */
    public String cipherSuite() {
        return engine.getSession().getCipherSuite();
    }

    /** The application protocol agreed by ALPN; {@code ""} if none was. */
    public String applicationProtocol() {
        String p = engine.getApplicationProtocol();
        return p == null ? "" : p;
    }

    /** Whether the client's side of the handshake has finished. */
    public boolean isHandshakeDone() {
        return handshakeDone;
    }

    /** Whether the server's {@code close_notify} has arrived (as of the last take of output). */
    public boolean closeNotifyReceived() {
        return closeNotifyReceived;
    }

    /** The client ends its side with {@code close_notify}, as an orderly TLS client closes. */
    public void sendCloseNotify() {
        engine.closeOutbound();
        sendWhatTheEngineWants();
    }

    /**
     * Runs the handshake to its end, exchanging flights with the server's layer; returns early if
     * the server closes the connection meanwhile (the test sees it closed, with its {@link
     * TestConnection#closeCause()}).
     */
    void handshake() {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            throw new UncheckedIOException("TLS client: " + e.getMessage(), e);
        }
        for (int flight = 0; flight < MAX_HANDSHAKE_FLIGHTS; flight++) {
            sendWhatTheEngineWants();
            readWire();
            if (handshakeDone && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
                return;
            }
            if (!connection.isOpen()) {
                return;
            }
        }
        throw new IllegalStateException("the TLS handshake of " + connection + " did not finish in " + MAX_HANDSHAKE_FLIGHTS + " flights");
    }

    /** Encrypts what the test sends into records. */
    byte[] wrap(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer src = ByteBuffer.wrap(bytes);
        do {
            if (!wrapOnce(src, out)) {
                throw new IllegalStateException("the TLS client of " + connection + " sent close_notify already");
            }
        } while (src.hasRemaining());
        return out.toByteArray();
    }

    /** Reads every record the server sent, answering what needs an answer; returns the plaintext. */
    byte[] takeOutput() {
        do {
            sentSomething = false;
            readWire();
        } while (sentSomething && connection.isOpen());
        byte[] bytes = plaintext.toByteArray();
        plaintext.reset();
        return bytes;
    }

    private void readWire() {
        byte[] more = connection.takeWire();
        if (more.length > 0) {
            ByteBuffer joined = ByteBuffer.allocate(wire.remaining() + more.length);
            wire = joined.put(wire).put(more).flip();
        }
        while (wire.hasRemaining() && !closeNotifyReceived) {
            ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            SSLEngineResult r;
            try {
                r = engine.unwrap(wire, dst);
            } catch (SSLException e) {
                throw new UncheckedIOException("TLS client of " + connection + ": " + e.getMessage(), e);
            }
            plaintext.write(dst.array(), 0, dst.position());
            handshakeDone |= r.getHandshakeStatus() == HandshakeStatus.FINISHED;
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                closeNotifyReceived = true;
            } else if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                break; // the rest of the record has not been sent yet
            }
            sendWhatTheEngineWants();
        }
        wire = ByteBuffer.wrap(Arrays.copyOfRange(wire.array(), wire.arrayOffset() + wire.position(), wire.arrayOffset() + wire.limit()));
    }

    /** Runs the engine's tasks and sends the records it wants to send now (handshake, alerts, close). */
    private void sendWhatTheEngineWants() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            } else if (hs != HandshakeStatus.NEED_WRAP || !wrapOnce(ByteBuffer.allocate(0), out)) {
                break;
            }
        }
        if (out.size() > 0 && connection.isOpen()) {
            sentSomething = true;
            connection.receiveWire(out.toByteArray());
        }
    }

    /** One wrap into {@code out}; false once the engine's outbound side is closed. */
    private boolean wrapOnce(ByteBuffer src, ByteArrayOutputStream out) {
        ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult r;
        try {
            r = engine.wrap(src, dst);
        } catch (SSLException e) {
            throw new UncheckedIOException("TLS client of " + connection + ": " + e.getMessage(), e);
        }
        out.write(dst.array(), 0, dst.position());
        handshakeDone |= r.getHandshakeStatus() == HandshakeStatus.FINISHED;
        return r.getStatus() != SSLEngineResult.Status.CLOSED && (r.bytesProduced() > 0 || r.bytesConsumed() > 0);
    }
}
