package io.jselectors.protocol.testkit;

import io.jselectors.connection.AbstractConnection;
import io.jselectors.connection.ConnectionLimits;
import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A {@link Connection} with a fake socket behind it: the test plays the peer. It is the server's
 * connection core ({@link AbstractConnection}: the same queue, water marks, writability order,
 * close-after-flush, pausing and re-entrancy rules, checked by the same contract suite) over a
 * socket made of memory. Bytes the test sends with {@link #receive} reach {@link
 * ProtocolHandler#onRead} in a pooled direct buffer, one read per call; bytes the handler writes
 * and flushes are collected for {@link #takeOutput()}.
 *
 * <ul>
 *   <li>Only flushed data is sent. The connection flushes by itself at the end of every read (the
 *       server flushes at the end of each read batch); output written anywhere else (onOpen, a
 *       timer, onWritabilityChanged) stays queued until the handler calls {@link #flush()}, or
 *       until the socket, once full, has room again (as WRITE readiness does on the server).
 *   <li>The fake socket takes at most {@link #socketCapacity(long)} bytes that the peer has not
 *       taken yet (unlimited by default). What does not fit stays pending; above {@link
 *       #HIGH_WATER_MARK} pending bytes the connection turns not writable, below {@link
 *       #LOW_WATER_MARK} writable again, and the handler hears of every change, in order, once its
 *       current callback has returned.
 *   <li>While reading is paused, received bytes and the peer's end of stream wait "in the kernel"
 *       and are delivered, in order, when the handler resumes.
 *   <li>{@link #close()} stops reading, sends what is queued, then closes; {@link #abort()}
 *       discards the queue. Either way onClose follows exactly once, after the current callback.
 *   <li>A handler that throws gets its connection aborted with that cause, as on the server; the
 *       stack trace goes to standard error and {@link #closeCause()} returns it. An {@link Error}
 *       (a failed assertion) is thrown on to the test after that.
 * </ul>
 *
 * <p>Every method must be called on the tester's thread: the peer's side from test code, the
 * {@link Connection} side from test code or a callback on this connection's {@link #loop()}.
 */
public final class TestConnection extends AbstractConnection {

    /** Pending bytes above which a connection turns not writable: the server's value, 64 KiB. */
    public static final int HIGH_WATER_MARK = ConnectionLimits.DEFAULT_HIGH_WATER;

    /** Pending bytes below which a not writable connection turns writable again: 32 KiB. */
    public static final int LOW_WATER_MARK = ConnectionLimits.DEFAULT_LOW_WATER;

    /** A {@link #socketCapacity(long)} with no limit: the peer takes everything at once. */
    public static final long UNLIMITED = FakeSocket.UNLIMITED;

    private static final int WRITE_INTEREST = 2;

    private final ProtocolTester tester;
    private final Dispatcher dispatcher;
    private final TestLoop testLoop;
    private final ProtocolHandler initialHandler;
    private final long id;
    private final InetSocketAddress remote;

    private final FakeSocket socket = new FakeSocket();

    /** The test's TLS client when the tester runs over TLS; {@code null} for plaintext. */
    private TlsClient tls;
    private int interest;
    private boolean opened;
    private Throwable closeCause;
    private Error handlerError;

    TestConnection(ProtocolTester tester, TestLoop loop, ProtocolHandler handler, long id) {
        super(loop, LeakTracking.ALLOC, ConnectionLimits.DEFAULTS);
        this.tester = tester;
        this.dispatcher = tester.dispatcher();
        this.testLoop = loop;
        this.initialHandler = Objects.requireNonNull(handler, "the protocol created a null handler");
        this.id = id;
        this.remote = new InetSocketAddress("127.0.0.1", 49152 + (int) (id % 16384));
    }

    // ---- the peer's side, driven by the test ----

    /**
     * The peer sends {@code bytes}; the handler reads them as one buffer (after pending ones). Over
     * TLS they are sent as records, which the layer decrypts before the handler reads.
     */
    public TestConnection receive(byte[] bytes) {
        return receiveWire(tls == null ? bytes : tls.wrap(bytes));
    }

    /** The peer's bytes as they cross the fake socket (TLS records over TLS). */
    TestConnection receiveWire(byte[] bytes) {
        dispatcher.requireTestCode();
        if (socket.endOfStreamReceived()) {
            throw new IllegalStateException("the peer already shut down its output");
        }
        if (bytes.length > 0 && isOpen() && (!isClosing() || wantsRead())) { // a closing TLS connection still reads its handshake
            socket.add(bytes);
        }
        dispatcher.settle();
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
        dispatcher.requireTestCode();
        socket.endOfStream();
        dispatcher.settle();
        return this;
    }

    /** The peer resets the connection: queued data is lost and onClose gets a SocketException. */
    public TestConnection peerReset() {
        dispatcher.requireTestCode();
        onLoop(() -> closeNow(new SocketException("Connection reset by peer"), true));
        dispatcher.settle();
        return this;
    }

    /** The listener's idle timeout expires for this connection: onIdle, if it is open and not closing. */
    public TestConnection idle() {
        return deliver(h -> h.onIdle(this));
    }

    /** The server starts a graceful shutdown: onShutdown, if the connection is open and not closing. */
    public TestConnection shutdown() {
        return deliver(h -> h.onShutdown(this));
    }

    /**
     * The peer reads everything sent so far. That frees the fake socket, so queued output moves on
     * (and writability may come back) before this returns. Over TLS the test's client decrypts it
     * first (see {@link TlsClient}).
     */
    public byte[] takeOutput() {
        dispatcher.requireTestCode();
        return tls == null ? takeWire() : tls.takeOutput();
    }

    /** What crossed the fake socket since the last take (TLS records over TLS). */
    byte[] takeWire() {
        byte[] bytes = socket.take();
        socketHasRoom();
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
        dispatcher.requireTestCode();
        if (bytes < 0) {
            throw new IllegalArgumentException("capacity must be >= 0: " + bytes);
        }
        socket.capacity(bytes);
        socketHasRoom();
        return this;
    }

    /** Bytes received from the test that the handler has not been given yet (reading paused). */
    public long unreadBytes() {
        return socket.unreadBytes();
    }

    /** Bytes written but not flushed yet; they are part of {@link #pendingWriteBytes()}. */
    public long unflushedBytes() {
        return queuedUnflushedBytes();
    }

    /** The test's TLS client: what it negotiated and received; only for a tester over TLS. */
    public TlsClient tls() {
        if (tls == null) {
            throw new IllegalStateException(this + " is plaintext: build the tester with ProtocolTester.overTls or Builder.tls()");
        }
        return tls;
    }

    void useTls(TlsClient client) {
        tls = client;
    }

    /** Why the connection closed: {@code null} while open or after an orderly close. */
    public Throwable closeCause() {
        return closeCause;
    }

    // ---- the Connection the handler sees: the core's, settling after calls from test code ----

    @Override
    public long id() {
        return id;
    }

    @Override
    public void flush() {
        super.flush();
        dispatcher.settle();
    }

    @Override
    public void resumeReading() {
        super.resumeReading();
        dispatcher.settle();
    }

    @Override
    public void close() {
        super.close();
        dispatcher.settle();
    }

    @Override
    public void abort() {
        super.abort();
        dispatcher.settle();
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
    public String toString() {
        return "TestConnection[" + id + (!isOpen() ? ", closed" : isClosing() ? ", closing" : "") + "] of "
                + tester.context().protocol();
    }

    // ---- the fake socket under the core ----

    @Override
    protected int readBufferSize(int adaptive) {
        return socket.nextReadSize(); // one receive() is one read
    }

    @Override
    protected int kernelRead(ByteBuf dst) {
        return socket.read(dst);
    }

    @Override
    protected long kernelWrite(ByteBuf first, ArrayDeque<ByteBuf> rest, int maxBuffers) throws IOException {
        return socket.write(first, rest, maxBuffers);
    }

    @Override
    protected void kernelInterest(int old, int events) {
        interest = events;
    }

    @Override
    protected void kernelClose(boolean reset) {
        socket.dropInput();
    }

    @Override
    protected void scheduleDeferred() {
        // Nothing to do: step() delivers what the core has deferred as the next event.
    }

    @Override
    protected void onFailure(Throwable cause) {
        if (cause instanceof IOException) {
            return;
        }
        System.err.println("jselectors testkit: a handler of " + tester.context().protocol()
                + " threw; its connection is aborted, as the server would:");
        cause.printStackTrace();
        if (cause instanceof Error e && handlerError == null) {
            handlerError = e;
        }
    }

    @Override
    protected void onClosed(Throwable cause, boolean aborted) {
        closeCause = cause;
    }

    // ---- the event loop's side, run by ProtocolTester.settle() ----

    /** Delivers at most one event to the handler; returns whether anything happened. */
    boolean step() {
        if (!opened) {
            opened = true;
            onLoop(() -> open(() -> initialHandler));
            return true;
        }
        if (wantsRead() && socket.readable()) {
            socket.newStep();
            onLoop(this::onReadable);
            return true;
        }
        if (hasDeferred()) {
            onLoop(this::runDeferred); // the task the core asked for: writability changes, onClose
            return true;
        }
        return false;
    }

    /** Aborts for the end of a test, so that the handler's onClose releases what it holds. */
    void abortIfOpen() {
        if (isOpen()) {
            onLoop(() -> closeNow(null, true));
        }
    }

    private void socketHasRoom() {
        if (isOpen() && (interest & WRITE_INTEREST) != 0) {
            onLoop(this::onWritable); // WRITE readiness
        }
        dispatcher.settle();
    }

    private TestConnection deliver(java.util.function.Consumer<ProtocolHandler> event) {
        dispatcher.requireTestCode();
        if (isOpen() && !isClosing()) {
            onLoop(() -> callback(event));
        }
        dispatcher.settle();
        return this;
    }

    /** Runs core code as this connection's loop would, then throws on an Error a handler raised. */
    private void onLoop(Runnable work) {
        dispatcher.onLoop(testLoop, work);
        Error e = handlerError;
        if (e != null) {
            handlerError = null;
            throw e;
        }
    }
}
