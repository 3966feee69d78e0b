package io.jselectors.server.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/** Drives two SSLEngines against each other in memory until both finished the handshake (tests only). */
final class EnginePump {

    private static final int MAX_ROUNDS = 100;

    private EnginePump() {}

    /** Runs the handshake; throws the engines' SSLException if it fails. */
    static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        ByteBuffer c2s = ByteBuffer.allocate(1 << 17);
        ByteBuffer s2c = ByteBuffer.allocate(1 << 17);
        ByteBuffer sink = ByteBuffer.allocate(1 << 17);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            if (done(client) && done(server) && c2s.position() == 0 && s2c.position() == 0) {
                return;
            }
            step(client, s2c, c2s, sink);
            step(server, c2s, s2c, sink);
        }
        throw new AssertionError("handshake did not finish in " + MAX_ROUNDS + " rounds");
    }

    private static boolean done(SSLEngine e) {
        return e.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
    }

    private static void step(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer sink) throws SSLException {
        for (int i = 0; i < MAX_ROUNDS; i++) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                case NEED_WRAP -> engine.wrap(ByteBuffer.allocate(0), out);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    in.flip();
                    SSLEngineResult r = engine.unwrap(in, sink);
                    in.compact();
                    sink.clear();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0) {
                        return;
                    }
                }
                default -> {
                    if (in.position() > 0) {
                        in.flip();
                        engine.unwrap(in, sink);
                        in.compact();
                        sink.clear();
                    }
                    return;
                }
            }
        }
    }
}
