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

    @Test
    void recordsDecodedAfterAPauseWaitForTheResumeAndWhatTheHandlerThenWritesIsSent() {
        // Three records in one read: the handler echoes the first and pauses, so the layer has
        // decoded two more it must not deliver yet; once resumed they are told from a task, and
        // their echo is flushed as after a read batch.
        ProtocolHandler echo = new ProtocolHandler() {
            private boolean pausedOnce;

            @Override
            public void onRead(Connection connection, ByteBuf data) {
                connection.write(data);
                if (!pausedOnce) {
                    pausedOnce = true;
                    connection.pauseReading();
                }
            }
        };
        try (ProtocolTester tester = ProtocolTester.builder("echo", listener -> echo).tls().build()) {
            TestConnection connection = tester.connect();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (String part : new String[] {"one ", "two ", "three"}) {
                wire.writeBytes(connection.tls().wrap(part.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            }
            connection.receiveWire(wire.toByteArray());
            assertThat(connection.takeOutputString()).isEqualTo("one ");

            connection.loop().execute(connection::resumeReading);
            tester.runPending();
            assertThat(connection.takeOutputString()).isEqualTo("two three");
        }
    }
}
