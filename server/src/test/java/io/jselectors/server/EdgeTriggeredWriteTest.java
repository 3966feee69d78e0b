package io.jselectors.server;

import static io.jselectors.server.Readiness.LOOP_HELD_MILLIS;
import static io.jselectors.server.Readiness.PATIENCE;
import static io.jselectors.server.Readiness.eventually;
import static io.jselectors.server.Readiness.payload;
import static io.jselectors.server.Readiness.sendInBackground;
import static io.jselectors.server.Readiness.whileLoopHeld;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.connection.ConnectionContract;
import io.jselectors.protocol.Connection;
import io.jselectors.server.Readiness.Counting;
import io.jselectors.server.Readiness.Triggering;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The write and accept cases of edge-triggered worker loops: a write that fills the socket waits
 * for one {@code EPOLLOUT} edge per time room frees (an echo held back by the high water mark, a
 * file larger than the socket buffers to a peer that reads late), a flush of more buffers than one
 * {@code writev} takes, and more connections than one accept event takes (the boss loop stays
 * level-triggered, so the listener is reported again). Each runs level-triggered too, so that mode
 * keeps being tested, and would hang (failing after the patience) if an event it relies on never came.
 */
class EdgeTriggeredWriteTest extends Readiness {

    /** Enough to fill both sides' socket buffers many times over. */
    private static final int BIG = 4 * 1024 * 1024;
    /** Buffers in one flush: four times what one {@code writev} takes (IOV_MAX, 1024). */
    private static final int MANY_WRITES = 4 * 1024;
    /** Bytes per buffer of that flush. */
    private static final int WRITE_SIZE = 16;
    /** More connections than the boss accepts per event ({@link Acceptor#MAX_ACCEPTS_PER_EVENT}). */
    private static final int CONNECTIONS = Acceptor.MAX_ACCEPTS_PER_EVENT + 44;

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("io.jselectors.server.Readiness#modesAndTls")
    void anEchoHeldBackByTheHighWaterMarkFinishesOnceThePeerReads(Triggering mode, boolean tls) throws Exception {
        Counting h = new Counting(false, true);
        try (ConnectionContract.Peer peer = connect(mode, tls, h)) {
            byte[] sent = payload(BIG);
            // The peer sends everything before reading anything: the echo fills the socket, the
            // server stops reading (backpressure), and must resume by itself when the peer drains it.
            Thread sender = sendInBackground(peer, sent);
            Thread.sleep(LOOP_HELD_MILLIS);
            byte[] got = peer.read(sent.length);
            sender.join(PATIENCE.toMillis());
            assertThat(Arrays.equals(got, sent)).as("the echo equals what was sent").isTrue();
        }
    }

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("io.jselectors.server.Readiness#modesAndTls")
    void aFlushOfMoreBuffersThanOneWritevTakesIsSentWhole(Triggering mode, boolean tls) throws Exception {
        Counting h = new Counting(false, false) {
            @Override
            public void onRead(Connection c, ByteBuf data) {
                data.release();
                for (int i = 0; i < MANY_WRITES; i++) {
                    ByteBuf b = c.alloc().directBuffer(WRITE_SIZE);
                    for (int j = 0; j < WRITE_SIZE; j++) {
                        b.writeByte(i * WRITE_SIZE + j);
                    }
                    c.write(b);
                }
            }
        };
        try (ConnectionContract.Peer peer = connect(mode, tls, h)) {
            peer.send(new byte[] {1});
            byte[] got = peer.read(MANY_WRITES * WRITE_SIZE);
            for (int k = 0; k < got.length; k++) {
                assertThat(got[k]).as("byte %d", k).isEqualTo((byte) k);
            }
        }
    }

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("io.jselectors.server.Readiness#modesAndTls")
    void aFileLargerThanTheSocketBuffersReachesAPeerThatReadsLate(Triggering mode, boolean tls, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("big");
        byte[] content = payload(BIG);
        Files.write(file, content);
        Counting h = new Counting(false, false) {
            @Override
            public void onRead(Connection c, ByteBuf data) {
                data.release();
                try {
                    c.sendFile(file, 0, BIG); // sendfile(2) in plaintext, read in chunks under TLS
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        try (ConnectionContract.Peer peer = connect(mode, tls, h)) {
            peer.send(new byte[] {1});
            Thread.sleep(LOOP_HELD_MILLIS); // the socket fills: the rest waits for room
            assertThat(Arrays.equals(peer.read(BIG), content)).as("the file arrives whole").isTrue();
        }
    }

    /**
     * The boss loop is held while {@link #CONNECTIONS} clients connect: its one event then finds
     * more than it accepts per event, and the rest must be accepted without a new client arriving.
     * The boss is level-triggered whatever the workers are, so the listener is simply reported again.
     */
    @ParameterizedTest(name = "workers {0}")
    @EnumSource(Triggering.class)
    void moreConnectionsThanOneAcceptEventTakesAreAllAccepted(Triggering mode) throws Exception {
        harness = mode.start(false, ServerSettings.DEFAULT_MAX_READS);
        List<Counting> handlers = new ArrayList<>();
        List<ConnectionContract.Peer> peers = new ArrayList<>();
        try {
            whileLoopHeld(harness.server().bossLoop(), () -> {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Counting h = new Counting(false, false);
                    handlers.add(h);
                    peers.add(harness.connect(h)); // completes in the kernel's accept queue
                }
            });
            eventually(() -> assertThat(handlers.stream().filter(h -> h.connection.get() != null).count())
                    .as("connections opened").isEqualTo(CONNECTIONS));
            mode.check(handlers.get(0).connection.get());
        } finally {
            for (ConnectionContract.Peer p : peers) {
                p.close();
            }
        }
    }
}
