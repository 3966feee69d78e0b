package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.connection.ConnectionContract;
import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cases an edge-triggered worker loop must get right, where no second event comes for bytes
 * already in the socket: a batch stopped by its cap with more behind it, data and the peer's FIN
 * seen by one event, reading paused (with bytes queued) and resumed, and the same under TLS, whose
 * records span reads. Each would hang here (and fail after the patience) if the connection relied
 * on another event. Level-triggered (the property set to false) they hold as well; then they
 * check nothing edge-specific, and say so.
 */
class EdgeTriggeredReadTest {

    /** Enough to fill the socket buffers and many read batches (the per-event cap is reached). */
    private static final int BIG = 8 * 1024 * 1024;
    /** Several reads' worth, yet well within one loopback receive window, so no later segment makes an edge. */
    private static final int SMALL = 40 * 1024;
    /** How long the test keeps the loop busy so both the data and the FIN are queued before it looks. */
    private static final long LOOP_HELD_MILLIS = 300;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private ServerHarness harness;

    /** Edge triggering is off by default (Server.EDGE_TRIGGERED_PROPERTY): these cases turn it on. */
    @BeforeEach
    void edgeTriggered() {
        System.setProperty(Server.EDGE_TRIGGERED_PROPERTY, "true");
    }

    @AfterEach
    void close() throws Exception {
        System.clearProperty(Server.EDGE_TRIGGERED_PROPERTY);
        if (harness != null) {
            harness.close();
        }
    }

    /** Counts what it reads; pauses after its first read when asked; records the end of input. */
    private static final class Counting implements ProtocolHandler {
        final AtomicLong bytes = new AtomicLong();
        final AtomicBoolean inputClosed = new AtomicBoolean();
        final AtomicReference<Connection> connection = new AtomicReference<>();
        final AtomicBoolean edge = new AtomicBoolean();
        final boolean pauseOnFirstRead;
        final boolean echo;
        final CountDownLatch paused = new CountDownLatch(1);

        Counting(boolean pauseOnFirstRead, boolean echo) {
            this.pauseOnFirstRead = pauseOnFirstRead;
            this.echo = echo;
        }

        @Override
        public void onOpen(Connection c) {
            connection.set(c);
            edge.set(((SocketConnection) c).readsEdgeTriggered());
        }

        @Override
        public void onRead(Connection c, ByteBuf data) {
            bytes.addAndGet(data.readableBytes());
            if (echo) {
                c.write(data);
                if (!c.isWritable()) {
                    c.pauseReading(); // backpressure: resumed when the peer has read enough
                }
            } else {
                data.release();
            }
            if (pauseOnFirstRead && paused.getCount() > 0) {
                c.pauseReading();
                paused.countDown();
            }
        }

        @Override
        public void onWritabilityChanged(Connection c, boolean writable) {
            if (echo && writable) {
                c.resumeReading();
            }
        }

        @Override
        public void onInputClosed(Connection c) {
            inputClosed.set(true);
            c.close();
        }
    }

    /** Waits until {@code check} passes, failing with its last error after the patience. */
    private static void eventually(ThrowingRunnable check) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(5);
            }
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private ConnectionContract.Peer connect(boolean tls, Counting handler) throws Exception {
        return connect(tls, handler, ServerSettings.DEFAULT_MAX_READS);
    }

    private ConnectionContract.Peer connect(boolean tls, Counting handler, int maxReads) throws Exception {
        harness = new ServerHarness("native", "epoll", tls, maxReads);
        ConnectionContract.Peer peer = harness.connect(handler);
        eventually(() -> assertThat(handler.connection.get()).isNotNull());
        assertThat(handler.edge.get()).as("the worker loop reads edge-triggered (%s=true)",
                Server.EDGE_TRIGGERED_PROPERTY).isTrue();
        return peer;
    }

    private static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 8));
        }
        return bytes;
    }

    /**
     * Keeps {@code c}'s loop busy in a task while {@code meanwhile} runs here and for {@link
     * #LOOP_HELD_MILLIS} after it, then lets it go: what the peer sent meanwhile is all queued
     * before the loop next looks, so one event stands for all of it.
     */
    private static void whileLoopHeld(Connection c, ThrowingRunnable meanwhile) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        c.loop().execute(() -> {
            held.countDown();
            try {
                release.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertThat(held.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            meanwhile.run();
            Thread.sleep(LOOP_HELD_MILLIS);
        } finally {
            release.countDown();
        }
    }

    /** Sends {@code bytes} from a thread of its own (a send larger than the socket buffers blocks). */
    private static Thread sendInBackground(ConnectionContract.Peer peer, byte[] bytes) {
        return Thread.ofPlatform().start(() -> {
            try {
                peer.send(bytes);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void bytesLeftByACappedBatchAreReadWithoutAnotherEvent(boolean tls) throws Exception {
        Counting h = new Counting(false, false);
        // One read per event: the first read (INITIAL_READ bytes) fills its buffer and leaves the
        // rest of what one edge stands for in the socket, for the connection to read on its own.
        try (ConnectionContract.Peer peer = connect(tls, h, 1)) {
            // Within the socket buffers: all of it queued before the loop looks.
            whileLoopHeld(h.connection.get(), () -> peer.send(payload(SMALL)));
            eventually(() -> assertThat(h.bytes.get()).isEqualTo(SMALL));
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aStreamLargerThanTheSocketBuffersArrivesWhole(boolean tls) throws Exception {
        Counting h = new Counting(false, false);
        try (ConnectionContract.Peer peer = connect(tls, h)) {
            Thread[] sender = new Thread[1];
            whileLoopHeld(h.connection.get(), () -> sender[0] = sendInBackground(peer, payload(BIG)));
            sender[0].join(PATIENCE.toMillis());
            eventually(() -> assertThat(h.bytes.get()).isEqualTo(BIG));
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void dataAndTheEndSeenByOneEventAreBothRead(boolean tls) throws Exception {
        Counting h = new Counting(false, false);
        try (ConnectionContract.Peer peer = connect(tls, h)) {
            whileLoopHeld(h.connection.get(), () -> {
                peer.send("tail".getBytes());
                peer.shutdownOutput(); // the FIN right behind the data, both queued before the loop looks
            });
            eventually(() -> {
                assertThat(h.bytes.get()).isEqualTo(4);
                assertThat(h.inputClosed).isTrue();
            });
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void readingPausedWithBytesQueuedGetsThemAllOnResume(boolean tls) throws Exception {
        Counting h = new Counting(true, false);
        try (ConnectionContract.Peer peer = connect(tls, h)) {
            int size = 256 * 1024; // more than the first read takes: the rest waits in the socket
            Thread sender = sendInBackground(peer, payload(size));
            assertThat(h.paused.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Thread.sleep(LOOP_HELD_MILLIS); // the rest arrives while paused: no event is due for it
            long before = h.bytes.get();
            assertThat(before).isLessThan(size);
            harness.run(h.connection.get(), () -> h.connection.get().resumeReading());
            sender.join(PATIENCE.toMillis());
            eventually(() -> assertThat(h.bytes.get()).isEqualTo(size));
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void anEchoHeldBackByTheHighWaterMarkFinishesOnceThePeerReads(boolean tls) throws Exception {
        Counting h = new Counting(false, true);
        try (ConnectionContract.Peer peer = connect(tls, h)) {
            byte[] sent = payload(BIG / 2);
            // The peer sends everything before reading anything: the echo fills the socket, the
            // server stops reading (backpressure), and must resume by itself when the peer drains it.
            Thread sender = sendInBackground(peer, sent);
            Thread.sleep(LOOP_HELD_MILLIS);
            byte[] got = peer.read(sent.length);
            sender.join(PATIENCE.toMillis());
            assertThat(Arrays.equals(got, sent)).as("the echo equals what was sent").isTrue();
        }
    }
}
