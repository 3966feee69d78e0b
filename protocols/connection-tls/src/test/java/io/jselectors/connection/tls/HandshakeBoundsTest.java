package io.jselectors.connection.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.EventLoop;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The handshake timeout's timer: cancelled when the handshake ends, so it neither fires nor keeps the connection. */
class HandshakeBoundsTest {

    /** A loop whose timers run only when the test says; a cancelled one is let go, as EventLoop.Timer requires. */
    static final class KeepingLoop implements EventLoop {
        final List<Runnable> timers = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public boolean inLoop() {
            return true;
        }

        @Override
        public Timer schedule(Runnable task, long delay, TimeUnit unit) {
            timers.add(task);
            return () -> timers.remove(task);
        }

        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public String name() {
            return "keeping";
        }
    }

    /** What a connection's layer would be: reachable from the bounds through its callbacks. */
    static final class Layer {
        boolean timedOut;
    }

    @Test
    void aFinishedHandshakesQueuedTimerNeitherFiresNorKeepsTheConnectionReachable() {
        KeepingLoop loop = new KeepingLoop();
        Layer layer = new Layer();
        HandshakeBounds bounds = bounds(loop, layer);
        WeakReference<Layer> weak = new WeakReference<>(layer);
        bounds.succeeded("TLSv1.3");
        bounds.close();
        assertThat(loop.timers).as("the timeout, cancelled").isEmpty();
        assertThat(layer.timedOut).isFalse();

        layer = null;
        bounds = null;
        for (int i = 0; i < 50 && weak.get() != null; i++) {
            System.gc();
        }
        assertThat(weak.get()).as("the connection, once its handshake timer is cancelled").isNull();
    }

    @Test
    void anUnfinishedHandshakesTimerStillFires() {
        KeepingLoop loop = new KeepingLoop();
        Layer layer = new Layer();
        bounds(loop, layer);
        loop.timers.getFirst().run();
        assertThat(layer.timedOut).isTrue();
    }

    private static HandshakeBounds bounds(KeepingLoop loop, Layer layer) {
        HandshakeBounds bounds = new HandshakeBounds(loop, Duration.ofSeconds(10), new HandshakeGate(1), TlsObserver.NONE,
                () -> {}, () -> layer.timedOut = true);
        assertThat(bounds.enter()).isFalse();
        return bounds;
    }
}
