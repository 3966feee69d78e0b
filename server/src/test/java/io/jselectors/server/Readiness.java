package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.connection.ConnectionContract;
import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the readiness tests ({@link EdgeTriggeredReadTest}, {@link EdgeTriggeredWriteTest}) share:
 * the two ways a worker loop can be triggered, a one-worker server per test, a counting handler,
 * and a way to pile bytes up in a socket while its loop looks away, so that one readiness event
 * stands for all of them.
 */
abstract class Readiness {

    /** How long a test keeps a loop busy so that what the peer sent meanwhile is all queued before it looks. */
    static final long LOOP_HELD_MILLIS = 300;
    /** How long a test waits for an outcome before failing as hung (a loaded CI machine can be slow). */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    /** The test's server, once started; stopped (and checked for leaks) after each test. */
    ServerHarness harness;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    /** Starts the test's server in {@code mode} and connects {@code handler} to it. */
    ConnectionContract.Peer connect(Triggering mode, boolean tls, Counting handler) throws Exception {
        return connect(mode, tls, handler, ServerSettings.DEFAULT_MAX_READS);
    }

    /** As above, with at most {@code maxReads} reads per readiness event. */
    ConnectionContract.Peer connect(Triggering mode, boolean tls, Counting handler, int maxReads) throws Exception {
        harness = mode.start(tls, maxReads);
        return connectTo(harness, mode, handler);
    }

    /** How the worker loops are triggered: the server's default (edge) and the way back (level). */
    enum Triggering {
        EDGE(true),
        LEVEL(false);

        final boolean edge;

        Triggering(boolean edge) {
            this.edge = edge;
        }

        /** A one-worker native (epoll) server in this mode, at most {@code maxReads} reads per event. */
        ServerHarness start(boolean tls, int maxReads) throws Exception {
            return new ServerHarness("native", "epoll", tls, maxReads, edge);
        }

        /** Fails unless {@code c}'s loop is triggered as this mode says: a level run must not test edges, nor the reverse. */
        void check(Connection c) {
            assertThat(((SocketConnection) c).readsEdgeTriggered()).as("%s reads %s-triggered (%s=%s)", c,
                    name().toLowerCase(), Server.EDGE_TRIGGERED_PROPERTY, edge).isEqualTo(edge);
        }
    }

    /** Both triggerings, each in plaintext and under TLS. */
    static Stream<Arguments> modesAndTls() {
        return Stream.of(Triggering.values()).flatMap(t -> Stream.of(Arguments.of(t, false), Arguments.of(t, true)));
    }

    /** Counts what it reads; pauses after its first read when asked; echoes when asked; records the end of input. */
    static class Counting implements ProtocolHandler {
        final AtomicLong bytes = new AtomicLong();
        final AtomicBoolean inputClosed = new AtomicBoolean();
        final AtomicReference<Connection> connection = new AtomicReference<>();
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

    /** Connects {@code handler} through {@code harness} and waits until its connection is open and triggered as {@code mode} says. */
    private static ConnectionContract.Peer connectTo(ServerHarness harness, Triggering mode, Counting handler) throws Exception {
        ConnectionContract.Peer peer = harness.connect(handler);
        eventually(() -> assertThat(handler.connection.get()).isNotNull());
        mode.check(handler.connection.get());
        return peer;
    }

    /** Waits until {@code check} passes, failing with its last error after the patience. */
    static void eventually(ThrowingRunnable check) throws Exception {
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

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 8));
        }
        return bytes;
    }

    /**
     * Keeps {@code loop} busy in a task while {@code meanwhile} runs here and for {@link
     * #LOOP_HELD_MILLIS} after it, then lets it go: what the peers sent meanwhile is all queued
     * before the loop next looks, so one event stands for all of it.
     */
    static void whileLoopHeld(EventLoop loop, ThrowingRunnable meanwhile) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
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
    static Thread sendInBackground(ConnectionContract.Peer peer, byte[] bytes) {
        return Thread.ofPlatform().start(() -> {
            try {
                peer.send(bytes);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }
}
