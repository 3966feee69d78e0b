package io.jselectors.protocol.testkit;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A {@link Connection} with no socket behind it: the test plays the peer. Bytes the test sends
 * with {@link #receive} reach {@link ProtocolHandler#onRead} in a pooled direct buffer, one read
 * per call; bytes the handler writes and flushes are collected for {@link #takeOutput()}.
 *
 * <p>It behaves as the server's connection does, so a handler that passes here works there:
 *
 * <ul>
 *   <li>Only flushed data is sent. The connection flushes by itself at the end of every read (the
 *       server flushes at the end of each read batch); output written anywhere else (onOpen, a
 *       timer, onWritabilityChanged) stays queued until the handler calls {@link #flush()}.
 *   <li>The simulated socket takes at most {@link #socketCapacity(long)} bytes that the peer has
 *       not taken yet (unlimited by default). What does not fit stays pending; above {@link
 *       #HIGH_WATER_MARK} pending bytes the connection turns not writable, below {@link
 *       #LOW_WATER_MARK} writable again. The handler hears of every change, in order, through
 *       onWritabilityChanged once the current callback has returned: a write that crosses the
 *       high mark and a flush that drains below the low one within one read give "false" then
 *       "true", never nothing.
 *   <li>While reading is paused, received bytes and the peer's end of stream wait "in the kernel"
 *       and are delivered, in order, when the handler resumes.
 *   <li>{@link #close()} stops reading, sends what is queued, then closes; {@link #abort()}
 *       discards the queue. Either way onClose follows exactly once, after the current callback.
 *   <li>A handler that throws a RuntimeException gets its connection aborted with that cause, as
 *       on the server; the stack trace goes to standard error and {@link #closeCause()} returns it.
 * </ul>
 *
 * <p>Every method must be called on the tester's thread: the peer's side from test code, the
 * {@link Connection} side from test code or a callback on this connection's {@link #loop()}.
 */
public final class TestConnection implements Connection {

    /** Pending bytes above which a connection turns not writable: the server's value, 64 KiB. */
    public static final int HIGH_WATER_MARK = 64 * 1024;

    /** Pending bytes below which a not writable connection turns writable again: 32 KiB. */
    public static final int LOW_WATER_MARK = 32 * 1024;

    /** A {@link #socketCapacity(long)} with no limit: the peer takes everything at once. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private final ProtocolTester tester;
    private final TestLoop loop;
    private final ProtocolHandler handler;
    private final long id;
    private final InetSocketAddress remote;

    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private long inboundBytes;
    private boolean endOfStreamReceived;
    private boolean inputClosedDelivered;
    private boolean readingPaused;

    private final Outbound outbound = new Outbound();

    private boolean opened;
    private boolean closeRequested;
    private boolean closed;
    private boolean closeNotified;
    private Throwable closeCause;

    TestConnection(ProtocolTester tester, TestLoop loop, ProtocolHandler handler, long id) {
        this.tester = tester;
        this.loop = loop;
        this.handler = Objects.requireNonNull(handler, "the protocol created a null handler");
        this.id = id;
        this.remote = new InetSocketAddress("127.0.0.1", 49152 + (int) (id % 16384));
    }

    // ---- the peer's side, driven by the test ----

    /** The peer sends {@code bytes}; the handler reads them as one buffer (after pending ones). */
    public TestConnection receive(byte[] bytes) {
        tester.requireTestCode();
        if (endOfStreamReceived) {
            throw new IllegalStateException("the peer already shut down its output");
        }
        if (bytes.length > 0 && !closed && !closeRequested) {
            inbound.add(bytes.clone());
            inboundBytes += bytes.length;
        }
        tester.settle();
        return this;
    }

    /** The peer sends {@code text} in UTF-8. */
    public TestConnection receive(String text) {
        return receive(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The peer sends the readable bytes of {@code data}, which is released. */
    public TestConnection receive(ByteBuf data) {
        byte[] bytes = new byte[data.readableBytes()];
        data.readBytes(bytes);
        data.release();
        return receive(bytes);
    }

    /** The peer shuts down its output (half-close); onInputClosed follows what is still unread. */
    public TestConnection peerShutdownOutput() {
        tester.requireTestCode();
        endOfStreamReceived = true;
        tester.settle();
        return this;
    }

    /** The peer resets the connection: queued data is lost and onClose gets a SocketException. */
    public TestConnection peerReset() {
        tester.requireTestCode();
        abortWith(new SocketException("Connection reset by peer"));
        tester.settle();
        return this;
    }

    /** The listener's idle timeout expires for this connection: onIdle, if it is open and not closing. */
    public TestConnection idle() {
        return deliver(() -> handler.onIdle(this));
    }

    /** The server starts a graceful shutdown: onShutdown, if the connection is open and not closing. */
    public TestConnection shutdown() {
        return deliver(() -> handler.onShutdown(this));
    }

    /**
     * The peer reads everything sent so far. That frees the simulated socket, so queued output
     * moves on (and writability may come back) before this returns.
     */
    public byte[] takeOutput() {
        tester.requireTestCode();
        byte[] bytes = outbound.takeSent();
        if (!closed) {
            outbound.send();
        }
        tester.settle();
        return bytes;
    }

    /** {@link #takeOutput()} decoded as UTF-8. */
    public String takeOutputString() {
        return new String(takeOutput(), StandardCharsets.UTF_8);
    }

    /**
     * Sets how many sent bytes the socket holds before the peer takes them with {@link
     * #takeOutput()}: {@code 0} is a peer that does not read at all, {@link #UNLIMITED} (the
     * default) one that reads everything at once.
     */
    public TestConnection socketCapacity(long bytes) {
        tester.requireTestCode();
        if (bytes < 0) {
            throw new IllegalArgumentException("capacity must be >= 0: " + bytes);
        }
        outbound.socketCapacity(bytes);
        if (!closed) {
            outbound.send();
        }
        tester.settle();
        return this;
    }

    /** Bytes received from the test that the handler has not been given yet (reading paused). */
    public long unreadBytes() {
        return inboundBytes;
    }

    /** Bytes written but not flushed yet; they are part of {@link #pendingWriteBytes()}. */
    public long unflushedBytes() {
        return outbound.unflushedBytes();
    }

    /** Why the connection closed: {@code null} while open or after an orderly close. */
    public Throwable closeCause() {
        return closeCause;
    }

    /** Whether {@link #close()} was called and the connection is waiting to send its queue. */
    public boolean isClosing() {
        return closeRequested && !closed;
    }

    /** The handler the protocol created for this connection. */
    public ProtocolHandler handler() {
        return handler;
    }

    // ---- the Connection the handler sees ----

    @Override
    public long id() {
        return id;
    }

    @Override
    public void write(ByteBuf data) {
        Objects.requireNonNull(data, "data");
        if (!loop.inLoop()) {
            data.release(); // ownership passed with the call, even a refused one
            requireLoop();
        }
        if (closed || closeRequested) {
            data.release();
            return;
        }
        outbound.write(data);
    }

    @Override
    public void flush() {
        requireLoop();
        if (closed) {
            return;
        }
        outbound.flush();
        tester.settle();
    }

    @Override
    public long pendingWriteBytes() {
        return outbound.pendingBytes();
    }

    @Override
    public boolean isWritable() {
        return outbound.isWritable() && !closed;
    }

    @Override
    public void pauseReading() {
        requireLoop();
        readingPaused = true;
    }

    @Override
    public void resumeReading() {
        requireLoop();
        readingPaused = false;
        tester.settle();
    }

    @Override
    public boolean isReadingPaused() {
        return readingPaused;
    }

    @Override
    public void close() {
        requireLoop();
        if (closed || closeRequested) {
            return;
        }
        closeRequested = true;
        flush();
    }

    @Override
    public void abort() {
        requireLoop();
        abortWith(null);
        tester.settle();
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return tester.context().address();
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public ByteBufAllocator alloc() {
        return LeakTracking.ALLOC;
    }

    @Override
    public String toString() {
        return "TestConnection[" + id + (closed ? ", closed" : closeRequested ? ", closing" : "") + "] of " + tester.context().protocol();
    }

    // ---- the event loop's side, run by ProtocolTester.settle() ----

    /** Delivers at most one event to the handler; returns whether anything happened. */
    boolean step() {
        if (closed) {
            if (closeNotified) {
                return false;
            }
            closeNotified = true;
            tester.callback(loop, () -> handler.onClose(this, closeCause), null);
            return true;
        }
        if (!opened) {
            opened = true;
            callback(() -> handler.onOpen(this));
            return true;
        }
        if (closeRequested) {
            inbound.clear();
            inboundBytes = 0;
        } else if (!readingPaused) {
            byte[] bytes = inbound.poll();
            if (bytes != null) {
                inboundBytes -= bytes.length;
                ByteBuf data = alloc().directBuffer(bytes.length).writeBytes(bytes);
                data.touch(this); // names the connection and the hand-over in the leak report
                callback(() -> handler.onRead(this, data));
                if (!closed) {
                    flush(); // the end of the read batch
                }
                return true;
            }
            if (endOfStreamReceived && !inputClosedDelivered) {
                inputClosedDelivered = true;
                callback(() -> handler.onInputClosed(this));
                return true;
            }
        }
        Boolean change = outbound.pollWritabilityChange();
        if (change != null) {
            callback(() -> handler.onWritabilityChanged(this, change));
            return true;
        }
        if (closeRequested && outbound.pendingBytes() == 0) {
            closed = true;
            return true;
        }
        return false;
    }

    /** Aborts for the end of a test, so that the handler's onClose releases what it holds. */
    void abortIfOpen() {
        if (!closed) {
            abortWith(null);
        }
    }

    private TestConnection deliver(Runnable event) {
        tester.requireTestCode();
        if (!closed && !closeRequested) {
            callback(event);
        }
        tester.settle();
        return this;
    }

    private void callback(Runnable call) {
        tester.callback(loop, call, this::abortWith);
    }

    private void abortWith(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        closeCause = cause;
        inbound.clear();
        inboundBytes = 0;
        outbound.discard();
    }

    private void requireLoop() {
        if (!loop.inLoop()) {
            throw new IllegalStateException("connection " + id + " used from thread " + Thread.currentThread().getName()
                    + ", not its loop's: hand the work over with connection.loop().execute(...)");
        }
    }
}
