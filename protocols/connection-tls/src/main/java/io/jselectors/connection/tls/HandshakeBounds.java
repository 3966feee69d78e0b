package io.jselectors.connection.tls;

import io.jselectors.protocol.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What bounds one connection's TLS handshake, for its {@link TlsLayer}: the timeout on the whole
 * handshake (waiting included, whatever the peer trickles), the connection's slot in its loop's
 * {@link HandshakeGate} (asked for on the first bytes, given back when the handshake ends however it
 * ends), and the outcome as the {@link TlsObserver} counts it.
 *
 * <p>The layer decides what happened; this class keeps the timer, the slot and the clock. Loop
 * thread only.
 */
final class HandshakeBounds {

    private final EventLoop loop;
    private final HandshakeGate gate;
    private final TlsObserver observer;
    private final Runnable admitted;
    private final long startNanos;
    private EventLoop.Timer timeout;
    private boolean inGate;
    private boolean waiting;

    /**
     * Starts the clock and the timeout: {@code timedOut} runs on the loop when {@code limit} has
     * passed without {@link #succeeded} or {@link #close}; {@code onAdmitted} runs (from {@link
     * HandshakeGate#leave}, on the loop) when a slot this connection waited for becomes its own.
     */
    HandshakeBounds(EventLoop loop, Duration limit, HandshakeGate gate, TlsObserver observer, Runnable onAdmitted, Runnable timedOut) {
        this.loop = loop;
        this.gate = gate;
        this.observer = observer;
        this.admitted = () -> {
            waiting = false;
            inGate = true;
            onAdmitted.run();
        };
        this.startNanos = loop.nanoTime();
        // A cancelled timer lets go of this task (EventLoop.Timer's contract), so a finished
        // handshake's connection is not kept reachable until the deadline.
        this.timeout = loop.schedule(() -> {
            timeout = null;
            timedOut.run();
        }, limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Asks the gate for a slot unless one is held or asked for already; whether the handshake must
     * wait for one (the layer then refuses input until admitted).
     */
    boolean enter() {
        if (!inGate && !waiting) {
            if (gate.enter(admitted)) {
                inGate = true;
            } else {
                waiting = true;
            }
        }
        return waiting;
    }

    /** Whether the connection waits for a slot. */
    boolean waiting() {
        return waiting;
    }

    /** The handshake finished on {@code protocol}: the timer stops, the slot goes to the next, the duration is counted. */
    void succeeded(String protocol) {
        cancelTimeout();
        leaveGate();
        observer.handshakeDone(protocol, loop.nanoTime() - startNanos);
    }

    /** Counts a failed handshake (the layer counts each once). */
    void failed(HandshakeFailure reason) {
        observer.handshakeFailed(reason);
    }

    /** Stops the timer: the handshake has ended one way or another, or the connection goes at once. */
    void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel();
            timeout = null;
        }
    }

    /** The connection has closed: no timer, no wait, no slot. */
    void close() {
        cancelTimeout();
        if (waiting) {
            gate.cancel(admitted);
        }
        leaveGate();
    }

    private void leaveGate() {
        if (inGate) {
            inGate = false;
            gate.leave();
        }
    }
}
