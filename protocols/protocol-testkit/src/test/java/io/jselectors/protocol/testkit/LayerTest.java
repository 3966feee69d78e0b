package io.jselectors.protocol.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.connection.AbstractConnection;
import io.jselectors.connection.Layer;
import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a TLS-like layer needs from the connection core, with a toy handshake: the layer consumes
 * socket bytes without handler input, sends bytes without handler output, and holds the handler's
 * output back (its own backpressure, counted in pendingWriteBytes and writability) until ready.
 */
class LayerTest {

    /** Wants one 'H' from the peer, answers "ACK", then passes bytes through both ways. */
    static final class HandshakeLayer implements Layer {
        private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
        private long heldBytes;
        private boolean ready;

        @Override
        public void decode(ByteBuf wire, Sink out) {
            if (!ready && wire.isReadable()) {
                if (wire.readByte() != 'H') {
                    wire.release();
                    throw new IllegalStateException("bad handshake (expected by this test)");
                }
                ready = true;
                out.send(wire.alloc().directBuffer(3).writeBytes("ACK".getBytes(StandardCharsets.US_ASCII)));
                for (ByteBuf b; (b = held.poll()) != null; ) {
                    heldBytes -= b.readableBytes();
                    out.send(b);
                }
            }
            if (wire.isReadable()) {
                out.deliver(wire);
            } else {
                wire.release(); // consumed without handler input
            }
        }

        @Override
        public void encode(ByteBuf plain, Sink out) {
            if (ready) {
                out.send(plain);
            } else {
                heldBytes += plain.readableBytes();
                held.add(plain);
            }
        }

        @Override
        public long pendingBytes() {
            return heldBytes;
        }

        @Override
        public void close() {
            held.forEach(ByteBuf::release);
            held.clear();
            heldBytes = 0;
        }
    }

    private final List<String> reads = new ArrayList<>();

    private ProtocolTester tester(int greetingBytes) {
        return ProtocolTester.builder("layered", listener -> new ProtocolHandler() {
            @Override
            public void onOpen(Connection c) {
                ((AbstractConnection) c).installLayer(new HandshakeLayer());
                c.writeAndFlush(c.alloc().directBuffer(greetingBytes).writeZero(greetingBytes));
            }

            @Override
            public void onRead(Connection c, ByteBuf data) {
                reads.add(data.toString(StandardCharsets.US_ASCII));
                data.release();
            }
        }).build();
    }

    @Test
    void theLayerHoldsOutputUntilItsHandshakeAndSendsBytesOfItsOwn() {
        try (ProtocolTester tester = tester(5)) {
            TestConnection c = tester.connect();
            assertThat(c.takeOutput()).as("held back before the handshake").isEmpty();
            assertThat(c.pendingWriteBytes()).isEqualTo(5);
            c.receive("H");
            assertThat(reads).as("the handshake byte is the layer's, not the handler's").isEmpty();
            assertThat(c.takeOutput()).isEqualTo("ACK\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
            c.receive("xyz");
            assertThat(reads).containsExactly("xyz");
            assertThat(c.pendingWriteBytes()).isZero();
        }
    }

    @Test
    void whatTheLayerHoldsCountsTowardsTheWaterMarks() {
        try (ProtocolTester tester = tester(TestConnection.HIGH_WATER_MARK + 1)) {
            TestConnection c = tester.connect();
            assertThat(c.isWritable()).isFalse();
            c.receive("H");
            c.takeOutput();
            assertThat(c.isWritable()).isTrue();
        }
    }

    @Test
    void aLayerThatFailsClosesTheConnectionAndReleasesWhatItHeld() {
        try (ProtocolTester tester = tester(5)) {
            TestConnection c = tester.connect();
            c.receive("X");
            assertThat(c.isOpen()).isFalse();
            assertThat(c.closeCause()).isInstanceOf(IllegalStateException.class);
        } // the tester fails the test if the held greeting leaked
    }
}
