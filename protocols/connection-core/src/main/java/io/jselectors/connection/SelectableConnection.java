package io.jselectors.connection;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A connection as its loop and its transport see it: the {@code kernel*} hooks a transport
 * implements, the thread rule, and the states that decide the selector interest (reading paused,
 * input closed, closing, closed; output queued). {@link AbstractConnection} builds the rules on top.
 *
 * <p>Package-private on purpose: transports extend {@link AbstractConnection}, and this is only the
 * lower half of that one class, split so each half reads in one sitting; below it, the outbound
 * queue ({@link OutboundQueue}) is the root of the same object. The states live here as plain
 * fields of the same object, so the hot path pays no hop for the split.
 *
 * <p>Everything runs on the connection's loop thread.
 */
abstract class SelectableConnection extends OutboundQueue implements Connection {

    /** Selector interest bit: readable. */
    static final int READ = 1;
    /** Selector interest bit: writable. */
    static final int WRITE = 2;

    protected final EventLoop loop;
    final ByteBufAllocator alloc;
    boolean readingPaused;
    boolean inputClosed;
    boolean closing;
    boolean closed;
    private int interest;
    /** The selector reports readiness once per edge ({@link #readEdgeTriggered()}). */
    boolean edgeTriggered;
    /**
     * Edge-triggered only: the socket may hold bytes (or its end) that no further event will
     * report, because the last read filled its buffer or reading stopped early (the per-event
     * cap, a pause, a layer). Cleared by a short read, EAGAIN or EOF.
     */
    boolean readPending;
    /** The peer's end is behind the data (an edge carried it): read to EOF, not to a short read. */
    boolean peerClosedSeen;
    /** Inside {@code onReadable}'s batch: a read that is pending is taken care of there. */
    boolean inReadBatch;
    /** A task to read what is pending has been queued and has not run yet. */
    private boolean readTaskQueued;

    SelectableConnection(EventLoop loop, ByteBufAllocator alloc) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.alloc = Objects.requireNonNull(alloc, "alloc");
    }

    /** Reads into {@code dst}'s writable bytes: bytes read, {@code 0} if none wait, {@code -1} at EOF. */
    protected abstract int kernelRead(ByteBuf dst) throws IOException;

    /**
     * Writes as much of the first {@code maxBuffers} queued buffers as the socket takes now, without
     * changing the queue: {@code first}, then those in {@code rest} in order ({@code rest} is
     * {@code null} or empty when {@code first} is the only one, the common case).
     *
     * @return a {@link WriteResult}: bytes written, and whether the socket took less than offered
     */
    protected abstract long kernelWrite(ByteBuf first, ArrayDeque<ByteBuf> rest, int maxBuffers) throws IOException;

    /** Opens a file range for {@link #sendFile}; by default one read through a FileChannel. */
    protected FileRegion kernelOpenFile(Path path, long position, long length) throws IOException {
        return FileRegion.ofChannel(path, position, length);
    }

    /**
     * Sends from {@code region} straight to the socket ({@code sendfile(2)}), without advancing it.
     *
     * @return a {@link WriteResult}, or {@link WriteResult#COPY} if this region must be read into
     *     buffers instead (the default)
     */
    protected long kernelSendFile(FileRegion region) throws IOException {
        return WriteResult.COPY;
    }

    /**
     * Declares that this connection's selector is edge-triggered: a readiness event comes once,
     * when data (or the end) arrives, so the connection itself remembers bytes it left unread and
     * reads them later without an event. Call before {@code open}.
     */
    protected final void readEdgeTriggered() {
        edgeTriggered = true;
    }

    /** Makes the socket's selector interest {@code events} (READ 1, WRITE 2, or 0), from {@code old}. */
    protected abstract void kernelInterest(int old, int events) throws IOException;

    /** Closes the socket; {@code reset} sends RST instead of FIN. */
    protected abstract void kernelClose(boolean reset);

    /** Arranges for {@link AbstractConnection#runDeferred()} to run on the loop after the current task. */
    protected abstract void scheduleDeferred();

    /** Bytes arrived from the socket (for meters and activity). */
    protected void onBytesRead(int n) {}

    /** Bytes left for the socket (for meters and activity). */
    protected void onBytesWritten(long n) {}

    /** The connection closed: bookkeeping before the handler's onClose. */
    protected void onClosed(Throwable cause, boolean aborted) {}

    /** A handler threw or the socket failed; the connection closes with {@code cause} next. */
    protected void onFailure(Throwable cause) {}

    /**
     * A buffer of {@code size} bytes for the next read, of which the caller owns one reference (it
     * goes to the handler); by default a new pooled direct buffer. A transport may hand out one it
     * reuses once every other reference to it has been released.
     */
    protected ByteBuf readBuffer(int size) {
        return alloc.directBuffer(size);
    }

    /** The size of the next read buffer; the adaptive size unless the transport knows better. */
    protected int readBufferSize(int adaptive) {
        return adaptive;
    }

    /** A handler exception or socket error: closes at once and tells why ({@link AbstractConnection}). */
    abstract void failed(Throwable cause);

    /**
     * Whether a layer holds output it cannot send yet (TLS before its handshake has finished): a
     * closing connection then goes on reading, for the layer only, until it can.
     */
    abstract boolean layerHoldsOutput();

    /** The read rule beyond open and not at end of input ({@link AbstractConnection} states it). */
    abstract boolean mayRead();

    @Override
    public void pauseReading() {
        requireLoop("pauseReading");
        if (!readingPaused) {
            readingPaused = true;
            updateInterest();
        }
    }

    @Override
    public void resumeReading() {
        requireLoop("resumeReading");
        if (readingPaused) {
            readingPaused = false;
            updateInterest();
        }
    }

    @Override
    public boolean isReadingPaused() {
        return readingPaused;
    }

    /**
     * Whether the connection wants to read now: open, not at EOF, not paused and not closing,
     * unless its layer needs the peer's bytes for itself (a handshake, or output it cannot send yet).
     */
    protected final boolean wantsRead() {
        return !inputClosed && !closed && mayRead();
    }

    /** Whether the peer's end of stream has been read. */
    protected final boolean isInputClosed() {
        return inputClosed;
    }

    /** Whether {@link #close()} was called and the connection waits for its queue to drain. */
    public final boolean isClosing() {
        return closing && !closed;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /** Keeps the selector interest equal to what the connection waits for. */
    final void updateInterest() {
        if (closed) {
            return;
        }
        if (readPending && !inReadBatch) {
            readPendingLater(); // edge-triggered: no event will come for what is already there
        }
        int want = (wantsRead() ? READ : 0) | (queueIsEmpty() ? 0 : WRITE);
        if (want != interest) {
            try {
                kernelInterest(interest, want);
                interest = want;
            } catch (IOException | RuntimeException e) {
                failed(e);
            }
        }
    }

    /**
     * Edge-triggered: if the connection wants to read and bytes may be waiting, reads them from a
     * task (once, however often asked), as the event that will not come would have.
     */
    final void readPendingLater() {
        if (!readTaskQueued && wantsRead()) {
            readTaskQueued = true;
            loop.execute(this::readPendingNow);
        }
    }

    private void readPendingNow() {
        readTaskQueued = false;
        if (readPending && !closed) {
            readPendingTask();
        }
    }

    /** Reads what {@link #readPending} says may wait ({@link AbstractConnection}'s read batch). */
    abstract void readPendingTask();

    /** Leaves the selector before the socket closes. */
    final void dropInterest() {
        if (interest != 0) {
            try {
                kernelInterest(interest, 0);
            } catch (IOException | RuntimeException ignored) {
                // The socket closes next anyway, which drops its registration.
            }
            interest = 0;
        }
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public ByteBufAllocator alloc() {
        return alloc;
    }

    final void requireLoop(String what) {
        if (!loop.inLoop()) {
            throw wrongThread(what);
        }
    }

    final IllegalStateException wrongThread(String what) {
        return new IllegalStateException(what + " on " + this + " from thread " + Thread.currentThread().getName()
                + ", not its loop " + loop.name() + "'s: hand the work over with connection.loop().execute(...)");
    }
}
