package io.jselectors.connection;

import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A connection's handler and the re-entrancy guard around it: every call into the handler goes
 * through here, counts its depth, and what must be told while a callback is on the stack (a
 * handler switch, each writability change in order, then the close) waits until the outermost one
 * returns, or, outside any callback, for a task the connection schedules. A handler callback
 * therefore never runs inside another one, nor inside a call the handler makes.
 *
 * <p>The middle part of the connection's class hierarchy ({@code OutboundQueue}, {@code
 * SelectableConnection}, this, {@link AbstractConnection}), package-private like the lower half: its state lives in the
 * connection object itself, so a read reaches the handler without a hop to a second object (one
 * object fewer for a cold connection to fetch per request, and 48 bytes less per connection:
 * bench/PROFILE.md, eighth pass). Its methods are named for telling so that they do not meet the
 * connection's own.
 *
 * <p><b>Cost.</b> A read is one depth increment, the handler call and one check of what waits
 * (three field loads); nothing allocates unless a notification is told.
 */
abstract class Callbacks extends SelectableConnection {

    private ProtocolHandler handler;
    private int depth;
    /** Writability changes not yet told to the handler; never coalesced. */
    private int flips;
    private boolean toldWritable = true;
    private boolean scheduled;
    /** Whether {@link #tell()} is telling; the callbacks it makes do not start another. */
    private boolean running;
    private ProtocolHandler switchTo;
    private ByteBuf switchUnread;
    private boolean closeToTell;
    private Throwable closeCause;
    /**
     * Plaintext a layer decoded while the handler had paused reading (the read that ended a TLS
     * handshake), oldest first; {@code null} when none. Bounded: a paused connection reads only
     * while its layer needs input, so this is at most what that last read carried.
     */
    private ArrayDeque<ByteBuf> held;
    /** The end of input was read meanwhile: told after the held reads. */
    private boolean heldEnd;
    /** Reading resumed: the held reads are told next. */
    private boolean releaseHeld;

    Callbacks(EventLoop loop, ByteBufAllocator alloc) {
        super(loop, alloc);
    }

    /** The handler now in charge (after any switch); {@code null} before the connection opened. */
    public final ProtocolHandler handler() {
        return handler;
    }

    /** Reads held while paused were told: flush as a read batch would ({@link AbstractConnection}). */
    abstract void heldReadsTold();

    final boolean inside() {
        return depth > 0;
    }

    /** Creates the handler, lets the connection start reading, and calls onOpen. */
    final void openHandler(Supplier<ProtocolHandler> handlers, Runnable started) {
        depth++;
        try {
            handler = java.util.Objects.requireNonNull(handlers.get(), "the protocol created a null handler");
            started.run();
            handler.onOpen(this);
        } catch (Throwable t) {
            failed(t);
        } finally {
            leave();
        }
    }

    /** onRead, the hot path: no lambda, no allocation. */
    final void tellRead(ByteBuf data) {
        depth++;
        try {
            handler.onRead(this, data);
        } catch (Throwable t) {
            failed(t);
        } finally {
            leave();
        }
    }

    /** Any other handler event, unless the connection is closed. */
    final void tellEvent(Consumer<ProtocolHandler> event) {
        if (!isOpen()) {
            return;
        }
        depth++;
        try {
            event.accept(handler);
        } catch (Throwable t) {
            failed(t);
        } finally {
            leave();
        }
    }

    private void leave() {
        if (--depth == 0 && !running && pending()) {
            tell();
        }
    }

    final boolean pending() {
        return flips > 0 || switchTo != null || closeToTell || releaseHeld;
    }

    /** Whether reads wait for the handler to resume (the connection reads no more until they are told). */
    final boolean holdsReads() {
        return held != null;
    }

    /** Keeps {@code plain} for the handler until it resumes reading. */
    final void hold(ByteBuf plain) {
        holdEnd(false);
        held.add(plain);
    }

    /** Creates the hold (and, if {@code end}, notes the end of input behind what is held). */
    final void holdEnd(boolean end) {
        if (held == null) {
            held = new ArrayDeque<>(2);
        }
        heldEnd |= end;
    }

    /** The handler resumed reading: what is held is told once no callback is on the stack. */
    final void resumed() {
        if (held != null && !releaseHeld) {
            releaseHeld = true;
            scheduleUnlessInside(); // never inside the handler's own resumeReading call
        }
    }

    /** A water mark was crossed. */
    final void flip() {
        flips++;
        scheduleUnlessInside();
    }

    /** {@code next} takes over with {@code unread} once no callback is on the stack. */
    final void switchTo(ProtocolHandler next, ByteBuf unread) {
        if (switchTo != null) {
            if (unread != null) {
                unread.release();
            }
            throw new IllegalStateException(this + " is already switching handlers");
        }
        switchTo = next;
        switchUnread = unread;
        if (depth == 0) {
            tell(); // called from a task, not a callback: nothing to wait for (or run() is telling)
        }
    }

    /** The connection closed: its handler (if it has one) hears so last, after the current call. */
    final void tellClosedLater(Throwable cause) {
        if (switchUnread != null) {
            switchUnread.release();
            switchUnread = null;
        }
        dropHeld();
        closeCause = cause;
        closeToTell = handler != null;
        if (closeToTell) {
            scheduleUnlessInside();
        }
    }

    private void scheduleUnlessInside() {
        if (depth == 0 && !scheduled) {
            scheduled = true;
            scheduleDeferred();
        }
    }

    /** The deferred task: tells what waits, unless a callback is on the stack (it will then). */
    final void runIfIdle() {
        scheduled = false;
        if (depth == 0) {
            tell();
        }
    }

    private void tell() {
        scheduled = false;
        if (running) {
            return;
        }
        running = true;
        try {
            tellPending();
        } finally {
            running = false;
        }
    }

    private void tellPending() {
        while (pending()) {
            boolean open = isOpen();
            if (switchTo != null && open) {
                switchNow();
            } else if (flips > 0 && open) {
                flips--;
                toldWritable = !toldWritable;
                boolean writable = toldWritable;
                tellEvent(h -> h.onWritabilityChanged(this, writable));
            } else if (releaseHeld && open) {
                tellHeld();
            } else if (closeToTell) {
                closeToTell = false;
                flips = 0;
                tellClosed();
            } else {
                flips = 0; // closed: nothing more is told but the close
                switchTo = null;
                releaseHeld = false;
            }
        }
    }

    private void switchNow() {
        ProtocolHandler next = switchTo;
        ByteBuf unread = switchUnread;
        switchTo = null;
        switchUnread = null;
        flips = 0; // the new handler learns the state from isWritable() in its onOpen
        toldWritable = isWritable();
        handler = next;
        tellEvent(h -> h.onOpen(this));
        if (unread == null) {
            return;
        }
        if (!isOpen() || !unread.isReadable()) {
            unread.release();
        } else {
            tellRead(unread);
        }
    }

    /**
     * One held read; once none is left or the handler paused again, a flush (as after a read
     * batch: what the handler wrote goes out, and reading may start again), then the held end of
     * input if the hold is over.
     */
    private void tellHeld() {
        boolean paused = isReadingPaused();
        ByteBuf next = paused ? null : held.pollFirst();
        if (next != null) {
            tellRead(next);
            return;
        }
        boolean end = !paused && heldEnd;
        if (!paused) {
            held = null;
            heldEnd = false;
        }
        releaseHeld = false; // paused again: the rest waits for the next resume
        heldReadsTold();
        if (end) {
            tellEvent(h -> h.onInputClosed(this));
        }
    }

    private void dropHeld() {
        if (held != null) {
            held.forEach(ByteBuf::release);
            held = null;
        }
        heldEnd = false;
        releaseHeld = false;
    }

    private void tellClosed() {
        depth++;
        try {
            handler.onClose(this, closeCause);
        } catch (Throwable t) {
            onFailure(t);
        } finally {
            depth--;
        }
    }
}
