package io.jselectors.protocol.http;

import io.jselectors.protocol.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * The two protective timers of one HTTP connection: the header timeout (a request head must be
 * complete within {@code header-timeout} of its first byte, however slowly it trickles in: the
 * slowloris defence) and the body timeout (no body bytes for {@code body-timeout}, or a body behind
 * {@code min-body-rate}). Both bound a whole phase: bytes that arrive never move the header
 * deadline, and the body deadline moves only as far as the minimum rate allows.
 *
 * <p>One timer of each kind at a time: when one fires for a phase that has since ended, or while
 * the server is the one waiting (streaming a file, or the client not reading), it does nothing and
 * the owner arms it again when parsing resumes. Runs on the connection's loop only.
 */
final class RequestTimeouts {

    /** What the timers ask of the connection they guard. */
    interface Owner {
        /** Whether a request head is still being waited for, with the client (not us) to blame. */
        boolean waitingForHead();

        /** Whether a request body is still being waited for, with the client (not us) to blame. */
        boolean waitingForBody();

        /** When the current request's first byte arrived (loop nanos). */
        long requestStart();

        /** Body bytes received so far of the current request. */
        long bodyReceived();

        /** A phase ran out of time: answer 408 and close. */
        void timedOut(boolean inBody);
    }

    private final EventLoop loop;
    private final HttpListenerState state;
    private final Owner owner;
    private EventLoop.Timer headerTimer;
    /** When the current body began (its head ended), and when body bytes last arrived; -1 outside a body. */
    private long bodyStart = -1;
    private long lastBodyRead;
    private EventLoop.Timer bodyTimer;

    RequestTimeouts(EventLoop loop, HttpListenerState state, Owner owner) {
        this.loop = loop;
        this.state = state;
        this.owner = owner;
    }

    /** The head of a request with a body is complete: the body's clock starts. */
    void bodyStarted() {
        bodyStart = loop.nanoTime();
        lastBodyRead = bodyStart;
    }

    /** Bytes arrived: if they are body bytes, the stall clock restarts. */
    void bytesRead() {
        if (bodyStart >= 0) {
            lastBodyRead = loop.nanoTime();
        }
    }

    /** The request is no longer in its body. */
    void bodyEnded() {
        bodyStart = -1;
    }

    void armHeader() {
        if (headerTimer == null) {
            long due = owner.requestStart() + state.headerTimeoutNanos() - loop.nanoTime();
            headerTimer = loop.schedule(this::headerTimeout, Math.max(0, due), TimeUnit.NANOSECONDS);
        }
    }

    private void headerTimeout() {
        headerTimer = null;
        if (!owner.waitingForHead()) {
            return; // answered, or waiting for the client to read: not a slow header section
        }
        if (loop.nanoTime() - owner.requestStart() >= state.headerTimeoutNanos()) {
            owner.timedOut(false);
        } else {
            armHeader();
        }
    }

    /** When the body runs out of time: no bytes for the body timeout, or behind the minimum rate. */
    private long bodyDeadline() {
        long timeout = state.bodyTimeoutNanos();
        long deadline = lastBodyRead + timeout;
        long rate = state.minBodyRate();
        if (rate > 0) {
            long received = owner.bodyReceived();
            long earned = received >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE / 2 : received * 1_000_000_000L / rate;
            deadline = Math.min(deadline, bodyStart + timeout + earned);
        }
        return deadline;
    }

    void armBody() {
        if (bodyTimer == null) {
            bodyTimer = loop.schedule(this::bodyTimeout, Math.max(0, bodyDeadline() - loop.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    private void bodyTimeout() {
        bodyTimer = null;
        if (bodyStart < 0 || !owner.waitingForBody()) {
            return; // done, or the server is the one waiting: the owner arms it again
        }
        if (loop.nanoTime() - bodyDeadline() >= 0) {
            owner.timedOut(true);
        } else {
            armBody();
        }
    }

    /** Cancels both timers (the connection closes or switches protocols). */
    void cancel() {
        if (headerTimer != null) {
            headerTimer.cancel();
            headerTimer = null;
        }
        if (bodyTimer != null) {
            bodyTimer.cancel();
            bodyTimer = null;
        }
    }
}
