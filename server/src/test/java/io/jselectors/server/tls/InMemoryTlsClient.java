package io.jselectors.server.tls;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A TLS client on an SSLEngine, in memory: {@link #output()} is what it would send, {@link #input}
 * takes what the server sent and returns the plaintext. Runs its delegated tasks inline.
 */
final class InMemoryTlsClient {

    private static final int BUFFER = 1 << 18;

    final SSLEngine engine;
    private final ByteBuffer fromServer = ByteBuffer.allocate(BUFFER);

    InMemoryTlsClient(SSLEngine engine) throws SSLException {
        this.engine = engine;
        engine.beginHandshake();
    }

    /** What the client sends now: handshake messages while handshaking, plus {@code plain} wrapped. */
    byte[] output(byte[] plain) throws SSLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer src = ByteBuffer.wrap(plain);
        ByteBuffer dst = ByteBuffer.allocate(BUFFER);
        for (int i = 0; i < 100; i++) {
            runTasks();
            if (engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                break; // waits for the server
            }
            SSLEngineResult r = engine.wrap(src, dst);
            if (r.bytesProduced() == 0) {
                break;
            }
        }
        dst.flip();
        out.write(dst.array(), 0, dst.limit());
        return out.toByteArray();
    }

    byte[] output() throws SSLException {
        return output(new byte[0]);
    }

    /** Takes what the server sent; returns the plaintext it carried. */
    byte[] input(byte[] wire) throws SSLException {
        fromServer.put(wire);
        fromServer.flip();
        ByteBuffer plain = ByteBuffer.allocate(BUFFER);
        try {
            for (int i = 0; i < 1000 && fromServer.hasRemaining(); i++) {
                runTasks();
                SSLEngineResult r = engine.unwrap(fromServer, plain);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.getStatus() == SSLEngineResult.Status.CLOSED
                        || r.bytesConsumed() == 0 && engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP) {
                    break;
                }
            }
            runTasks();
        } finally {
            fromServer.compact();
        }
        return Arrays.copyOf(plain.array(), plain.position());
    }

    /** Whether the handshake has finished on the client's side. */
    boolean handshaken() {
        return engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING && engine.getSession().getProtocol().startsWith("TLS");
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
