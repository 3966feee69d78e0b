package io.jselectors.server;

import static io.jselectors.server.Readiness.LOOP_HELD_MILLIS;
import static io.jselectors.server.Readiness.PATIENCE;
import static io.jselectors.server.Readiness.eventually;
import static io.jselectors.server.Readiness.payload;
import static io.jselectors.server.Readiness.sendInBackground;
import static io.jselectors.server.Readiness.whileLoopHeld;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.connection.ConnectionContract;
import io.jselectors.connection.tls.HandshakeGate;
import io.jselectors.protocol.Connection;
import io.jselectors.server.Readiness.Counting;
import io.jselectors.server.Readiness.Triggering;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The read cases an edge-triggered worker loop must get right, where no second event comes for
 * bytes already in the socket: a batch stopped by its cap with more behind it, data and the peer's
 * FIN seen by one event, reading paused (with bytes, or bytes and the FIN, queued) and resumed, a
 * handler switch in the middle of a batch, bytes sent before the worker adopted the connection, TLS
 * connections held back by the loop's handshake gate, and the same under TLS, whose records span reads. Each would hang here (and fail after the patience)
 * if the connection relied on another event. Every case runs level-triggered too (the way back,
 * {@code -Djselectors.edgeTriggered=false}), so that mode keeps being tested; each run first checks
 * that its loop is triggered as the mode says.
 */
class EdgeTriggeredReadTest extends Readiness {

    /** Enough to fill the socket buffers and many read batches (the per-event cap is reached). */
    private static final int BIG = 8 * 1024 * 1024;
    /** Several reads' worth, yet well within one loopback receive window, so no later segment makes an edge. */
    private static final int SMALL = 40 * 1024;
    /** Where the switching handler hands over: inside the first read, so the rest of the batch is the next handler's. */
    private static final int SWITCH_AT = 100;
    /** More TLS handshakes than one loop's gate runs at once, so some wait for a slot. */
    private static final int HANDSHAKES = HandshakeGate.DEFAULT_MAX_HANDSHAKES + 16;
    /** Time for that many client threads to connect and send their ClientHello while the worker is held. */
    private static final long CLIENTS_STARTED_MILLIS = 1000;

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("io.jselectors.server.Readiness#modesAndTls")
    void bytesLeftByACappedBatchAreReadWithoutAnotherEvent(Triggering mode, boolean tls) throws Exception {
        Counting h = new Counting(false, false);
        // One read per event: the first read (INITIAL_READ bytes) fills its buffer and leaves the
        // rest of what one edge stands for in the socket, for the connection to read on its own.
        try (ConnectionContract.Peer peer = connect(mode, tls, h, 1)) {
            // Within the socket buffers: all of it queued before the loop looks.
            whileLoopHeld(h.connection.get().loop(), () -> peer.send(payload(SMALL)));
            eventually(() -> assertThat(h.bytes.get()).isEqualTo(SMALL));
        }
    }

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("io.jselectors.server.Readiness#modesAndTls")
    void aStreamLargerThanTheSocketBuffersArrivesWhole(Triggering mode, boolean tls) throws Exception {
        Counting h = new Counting(false, false);
        try (ConnectionContract.Peer peer = connect(mode, tls, h)) {
            Thread[] sender = new Thread[1];
            whileLoopHeld(h.connection.get().loop(), () -> sender[0] = sendInBackground(peer, payload(BIG)));
            sender[0].join(PATIENCE.toMillis());
            eventually(() -> assertThat(h.bytes.get()).isEqualTo(BIG));
        }
    }

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("io.jselectors.server.Readiness#modesAndTls")
    void dataAndTheEndSeenByOneEventAreBothRead(Triggering mode, boolean tls) throws Exception {
        Counting h = new Counting(false, false);
        try (ConnectionContract.Peer peer = connect(mode, tls, h)) {
            whileLoopHeld(h.connection.get().loop(), () -> {
                peer.send("tail".getBytes());
                peer.shutdownOutput(); // the FIN right behind the data, both queued before the loop looks
            });
            eventually(() -> {
                assertThat(h.bytes.get()).isEqualTo(4);
                assertThat(h.inputClosed).isTrue();
            });
        }
    }

    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("io.jselectors.server.Readiness#modesAndTls")
    void readingPausedWithBytesQueuedGetsThemAllOnResume(Triggering mode, boolean tls) throws Exception {
        Counting h = new Counting(true, false);
        try (ConnectionContract.Peer peer = connect(mode, tls, h)) {
            int size = 256 * 1024; // more than the first read takes: the rest waits in the socket
            Thread sender = sendInBackground(peer, payload(size));
            assertThat(h.paused.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Thread.sleep(LOOP_HELD_MILLIS); // the rest arrives while paused: no event is due for it
            assertThat(h.bytes.get()).isLessThan(size);
            harness.run(h.connection.get(), () -> h.connection.get().resumeReading());
            sender.join(PATIENCE.toMillis());
            eventually(() -> assertThat(h.bytes.get()).isEqualTo(size));
        }
    }

    /**
     * Data and the FIN reach the server together (the event carries the peer's end) and the handler
     * pauses after its first read: on resume the connection must read on past a short read to the
     * end, which no later event would report.
     */
    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("io.jselectors.server.Readiness#modesAndTls")
    void theEndBehindBytesLeftByAPauseIsSeenOnResume(Triggering mode, boolean tls) throws Exception {
        Counting h = new Counting(true, false);
        try (ConnectionContract.Peer peer = connect(mode, tls, h, 1)) {
            whileLoopHeld(h.connection.get().loop(), () -> {
                peer.send(payload(SMALL));
                peer.shutdownOutput();
            });
            assertThat(h.paused.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Thread.sleep(LOOP_HELD_MILLIS);
            assertThat(h.inputClosed).as("paused: the end waits").isFalse();
            harness.run(h.connection.get(), () -> h.connection.get().resumeReading());
            eventually(() -> {
                assertThat(h.bytes.get()).isEqualTo(SMALL);
                assertThat(h.inputClosed).isTrue();
            });
        }
    }

    /**
     * The FIN arrives while reading is paused, when the selector does not watch for the peer's end
     * at all (no read interest): on resume both the bytes and the end must be seen.
     */
    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("io.jselectors.server.Readiness#modesAndTls")
    void theEndArrivingWhileReadingIsPausedIsSeenOnResume(Triggering mode, boolean tls) throws Exception {
        Counting h = new Counting(true, false);
        try (ConnectionContract.Peer peer = connect(mode, tls, h)) {
            peer.send(payload(1000));
            assertThat(h.paused.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            byte[] rest = payload(SMALL);
            peer.send(rest);
            peer.shutdownOutput();
            Thread.sleep(LOOP_HELD_MILLIS); // both queued while paused: no event is due for either
            assertThat(h.inputClosed).as("paused: the end waits").isFalse();
            harness.run(h.connection.get(), () -> h.connection.get().resumeReading());
            eventually(() -> {
                assertThat(h.bytes.get()).isEqualTo(1000 + SMALL);
                assertThat(h.inputClosed).isTrue();
            });
        }
    }

    /**
     * A protocol switch (HTTP Upgrade to WebSocket) in the middle of a batch: the first handler
     * hands over the rest of its read, and the next handler gets that and everything still in the
     * socket, with one read per event so the cap stops the batch right after the switch.
     */
    @ParameterizedTest(name = "{0} tls={1}")
    @MethodSource("io.jselectors.server.Readiness#modesAndTls")
    void aHandlerSwitchInTheMiddleOfABatchGetsTheRestOfTheBytes(Triggering mode, boolean tls) throws Exception {
        Counting next = new Counting(false, false);
        AtomicLong before = new AtomicLong();
        Counting first = new Counting(false, false) {
            @Override
            public void onRead(Connection c, ByteBuf data) {
                int take = (int) Math.min(data.readableBytes(), SWITCH_AT - before.get());
                before.addAndGet(take);
                data.skipBytes(take);
                if (before.get() < SWITCH_AT) {
                    data.release();
                    return;
                }
                next.connection.set(c);
                c.switchHandler(next, data); // next owns the unread rest now
            }
        };
        try (ConnectionContract.Peer peer = connect(mode, tls, first, 1)) {
            whileLoopHeld(first.connection.get().loop(), () -> peer.send(payload(SMALL)));
            eventually(() -> {
                assertThat(before.get()).isEqualTo(SWITCH_AT);
                assertThat(next.bytes.get()).isEqualTo(SMALL - SWITCH_AT);
            });
            assertThat(((SocketConnection) next.connection.get()).handler()).isSameAs(next);
        }
    }

    /**
     * A connection handed from the boss loop to a worker that is busy: the peer's bytes and its FIN
     * arrive before the worker registers the socket, so only the registration can report them.
     * Plaintext only: a TLS peer cannot send past its ClientHello before the worker answers it, and
     * every TLS case here starts with a ClientHello that races the adoption that way.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Triggering.class)
    void bytesSentBeforeTheWorkerAdoptsTheConnectionAreRead(Triggering mode) throws Exception {
        Counting holder = new Counting(false, false);
        Counting late = new Counting(false, false);
        try (ConnectionContract.Peer held = connect(mode, false, holder)) {
            ConnectionContract.Peer[] peer = new ConnectionContract.Peer[1];
            // One worker: holding the first connection's loop holds the one the next is dealt to.
            whileLoopHeld(holder.connection.get().loop(), () -> {
                peer[0] = harness.connect(late);
                peer[0].send(payload(SMALL));
                peer[0].shutdownOutput();
                assertThat(late.connection.get()).as("not adopted while the worker is held").isNull();
            });
            try (ConnectionContract.Peer ignored = peer[0]) {
                eventually(() -> {
                    assertThat(late.bytes.get()).isEqualTo(SMALL);
                    assertThat(late.inputClosed).isTrue();
                });
                mode.check(late.connection.get());
            }
        }
    }

    /**
     * More TLS connections than a loop's handshake gate admits at once reach a busy worker together:
     * those past the gate stop reading (the layer refuses input, not the handler pausing) with
     * their ClientHello read, and must be read again once admitted, without an event of their own.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Triggering.class)
    void tlsConnectionsWaitingForAHandshakeSlotAreServedOnceAdmitted(Triggering mode) throws Exception {
        Counting holder = new Counting(false, false);
        List<Thread> clients = new ArrayList<>();
        AtomicInteger echoed = new AtomicInteger();
        List<ConnectionContract.Peer> peers = new CopyOnWriteArrayList<>();
        try (ConnectionContract.Peer held = connect(mode, true, holder)) {
            whileLoopHeld(holder.connection.get().loop(), () -> {
                for (int i = 0; i < HANDSHAKES; i++) {
                    clients.add(Thread.ofPlatform().start(() -> {
                        try {
                            ConnectionContract.Peer peer = harness.connect(new Counting(false, true));
                            peers.add(peer);
                            peer.send("ping".getBytes(StandardCharsets.US_ASCII));
                            if (new String(peer.read(4), StandardCharsets.US_ASCII).equals("ping")) {
                                echoed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }));
                }
                Thread.sleep(CLIENTS_STARTED_MILLIS); // their ClientHellos wait in the sockets, all at once
            });
            for (Thread client : clients) {
                client.join(PATIENCE.toMillis());
            }
            assertThat(echoed.get()).as("clients whose handshake and echo completed").isEqualTo(HANDSHAKES);
        } finally {
            for (ConnectionContract.Peer peer : peers) {
                peer.close();
            }
        }
    }
}
