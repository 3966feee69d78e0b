package io.jselectors.protocol.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pausing reading under the TLS layer: the handshake still completes (the layer reads for itself),
 * but nothing reaches the handler and, once the handshake is done, the peer's bytes stay in the
 * socket, so a paused connection keeps real backpressure instead of buffering what the peer sends.
 */
class TlsPausedReadingTest {

    /** Pauses in onOpen and records what it is told. */
    private static final class PausingHandler implements ProtocolHandler {
        final ByteArrayOutputStream read = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();

        @Override
        public void onOpen(Connection connection) {
            connection.pauseReading();
        }

        @Override
        public void onRead(Connection connection, ByteBuf data) {
            byte[] bytes = new byte[data.readableBytes()];
            data.readBytes(bytes);
            data.release();
            read.writeBytes(bytes);
            events.add("read");
        }

        @Override
        public void onInputClosed(Connection connection) {
            events.add("inputClosed");
        }
    }

    @Test
    void aConnectionPausedInOnOpenFinishesItsHandshakeButReadsNothingMoreUntilResumed() {
        PausingHandler handler = new PausingHandler();
        try (ProtocolTester tester = ProtocolTester.builder("paused", listener -> handler).tls().build()) {
            TestConnection connection = tester.connect();
            assertThat(connection.tls().isHandshakeDone()).as("the handshake is not paused").isTrue();
            assertThat(connection.isReadingPaused()).isTrue();

            byte[] data = new byte[200_000];
            new Random(14).nextBytes(data);
            connection.receive(data);
            connection.peerShutdownOutput();
            assertThat(handler.events).as("nothing is delivered while paused").isEmpty();
            assertThat(connection.unreadBytes()).as("the records wait in the socket, not in the server")
                    .isGreaterThanOrEqualTo(data.length);

            connection.loop().execute(connection::resumeReading);
            tester.runPending();
            assertThat(handler.read.toByteArray()).isEqualTo(data);
            assertThat(handler.events).last().isEqualTo("inputClosed");
        }
    }
}
