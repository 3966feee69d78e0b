package io.jselectors.connection;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The rules of a {@link Connection}, written once: the read batch, the outbound queue and its water
 * marks, writability notifications in order, close-after-flush, read pausing, the callback
 * re-entrancy guard, an optional {@link Layer} and handler switching. A transport is a thin
 * subclass that only talks to its socket through the {@code kernel*} hooks (as a selector backend
 * under {@code AbstractSelector}): the server's socket connection, and the testkit's fake socket.
 * The outbound queue's bookkeeping is its package-private root ({@code OutboundQueue}), the hooks,
 * the thread rule and the states behind the selector interest are declared in its package-private
 * lower half ({@code SelectableConnection}), the handler and its re-entrancy guard in the
 * package-private middle ({@code Callbacks}); this class holds the rules. The four are one
 * object: a read goes from the socket's event to the handler, and its answer to the socket,
 * without touching a second one.
 *
 * <p><b>Re-entrancy.</b> A handler callback never runs inside another one, nor inside a call the
 * handler makes. What happens during a callback and needs telling (a water-mark crossing, a close,
 * a handler switch) is told once the outermost callback has returned, in the order it happened;
 * outside any callback (a task, a timer, the loop's own flush) it is told from a deferred task
 * ({@link #scheduleDeferred()}), never from inside the caller's {@code write} or {@code close}.
 *
 * <p><b>Cost.</b> A read costs one {@link #readBuffer} (a pooled allocation unless the transport
 * reuses one), one {@link #kernelRead} and one handler call;
 * a write a field store (a deque add when a buffer already waits); a flush one {@link
 * #kernelWrite} per full socket. No
 * allocation per event, no lock; the layer is a null check.
 *
 * <p>Everything runs on the connection's loop thread.
 */
public abstract class AbstractConnection extends Callbacks {

    private final ConnectionLimits limits;
    private Layer layer;
    private LayerSink layerSink;
    private boolean writable = true;
    private int readSize = ConnectionLimits.INITIAL_READ;

    protected AbstractConnection(EventLoop loop, ByteBufAllocator alloc, ConnectionLimits limits) {
        super(loop, alloc);
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Creates the handler, starts reading and calls onOpen. */
    protected final void open(Supplier<ProtocolHandler> handlers) {
        openHandler(handlers, this::updateInterest);
    }

    /** The socket is readable: reads a batch, handing each read to the handler, then flushes. */
    protected final void onReadable() {
        onReadable(false);
    }

    /**
     * As {@link #onReadable()}; {@code peerClosed} says the event carried the peer's end of stream
     * (an edge-triggered selector's {@code EVENT_PEER_CLOSED}): then only EAGAIN or EOF ends the
     * batch, not a short read. Under edge triggering, bytes the batch leaves (the per-event cap, a
     * pause, a layer that stops reading) are read later without an event ({@link #readPending}).
     */
    protected final void onReadable(boolean peerClosed) {
        if (peerClosed) {
            peerClosedSeen = true;
        }
        readPending = edgeTriggered; // an edge: bytes wait until a read shows otherwise
        inReadBatch = true;
        try {
            readBatch();
        } finally {
            inReadBatch = false;
        }
        if (!closed && (!queueIsEmpty() || layerHoldsOutput())) {
            flushNow();
        } else if (layer != null) {
            updateInterest(); // the layer's wish to read may have changed (a handshake ended, a gate closed)
        }
        if (readPending && !closed) {
            readPendingLater(); // the cap stopped the batch, or reading resumes later: no edge will say so
        }
    }

    @Override
    final void readPendingTask() {
        onReadable(false);
    }

    private void readBatch() {
        int max = limits.maxReadsPerEvent();
        for (int reads = 0; reads < max && wantsRead(); reads++) {
            ByteBuf buf;
            try {
                buf = readBuffer(readBufferSize(readSize));
            } catch (OutOfMemoryError e) {
                failed(e); // the direct memory cap (io.netty.maxDirectMemory): this connection goes, the loop lives
                return;
            }
            int requested = buf.writableBytes();
            int n;
            try {
                n = kernelRead(buf);
            } catch (IOException e) {
                buf.release();
                failed(e);
                return;
            }
            if (n <= 0) {
                buf.release();
                readPending = false; // EAGAIN or EOF: drained
                if (n < 0) {
                    endOfInput();
                }
                return;
            }
            onBytesRead(n);
            readSize = ConnectionLimits.nextReadSize(readSize, n, requested, reads > 0);
            if (layer == null) {
                tellRead(buf);
            } else {
                decode(buf);
            }
            if (n < requested && !peerClosedSeen) {
                // The socket is drained: skip the read that would say EAGAIN. Under edge triggering
                // anything arriving from now on makes a new edge; an end already queued behind
                // these bytes came with the event (peerClosed), and then only EAGAIN or EOF stops.
                readPending = false;
                return;
            }
        }
    }

    /** The socket is writable again: sends what is queued. */
    protected final void onWritable() {
        if (!closed) {
            flushNow();
        }
    }

    /**
     * Plaintext from the layer; dropped once the handler has closed (the layer may read on), kept
     * for the handler while it has paused reading (the layer read for its handshake).
     */
    void deliver(ByteBuf buf) {
        if (closing) {
            buf.release();
        } else if (readingPaused || holdsReads()) {
            hold(buf);
        } else {
            tellRead(buf);
        }
    }

    /** Reads held while paused were told from a task: flush as a read batch would (and update the interest). */
    @Override
    final void heldReadsTold() {
        flushNow();
    }

    @Override
    final boolean layerHoldsOutput() {
        return layer != null && layerSink.holdsOutput();
    }

    /**
     * The read rule. Without a layer: not paused, not closing. With one, the layer may refuse
     * input (waiting for a handshake slot) or need it for itself (a handshake under way): it then
     * reads although the handler paused, and what that decodes waits for the handler's resume;
     * once the layer needs nothing, a paused connection stops reading, which keeps backpressure.
     * A closing connection reads only while the layer holds output it cannot send yet.
     */
    @Override
    final boolean mayRead() {
        if (layer == null) {
            return !readingPaused && !closing;
        }
        if (layer.refusesInput()) {
            return false;
        }
        if (closing) {
            return layerHoldsOutput();
        }
        return !readingPaused && !holdsReads() || layer.needsInput();
    }

    @Override
    public void resumeReading() {
        super.resumeReading();
        resumed(); // what a layer decoded meanwhile goes first, after the current callback
    }

    private void decode(ByteBuf buf) {
        try {
            layer.decode(buf, layerSink);
        } catch (IOException | RuntimeException e) {
            failed(e); // a layer's failure (a bad TLS record) closes the connection, as a handler's does
        }
    }

    private void endOfInput() {
        inputClosed = true;
        updateInterest();
        if (readingPaused || holdsReads()) {
            holdEnd(true); // read for a layer while paused: told after what was held, on resume
        } else {
            callback(h -> h.onInputClosed(this));
        }
    }

    /** Runs a server event (idle, shutdown, ...) as a handler callback, under the re-entrancy guard. */
    protected final void callback(Consumer<ProtocolHandler> event) {
        tellEvent(event);
    }

    @Override
    public void write(ByteBuf data) {
        if (!loop.inLoop()) {
            data.release(); // ownership passes with the call, even a refused one
            throw wrongThread("write");
        }
        if (closed || closing) {
            data.release();
            return;
        }
        if (layer == null) {
            enqueue(data);
        } else {
            try {
                layerSink.write(data);
            } catch (IOException | RuntimeException e) {
                failed(e);
                return;
            }
            checkHighWater(); // what the layer holds back counts too
        }
    }

    void enqueue(ByteBuf data) {
        if (queueAdd(data, alloc) > 0) {
            checkHighWater();
        }
    }

    /** A layer's own bytes while a file is queued: see {@link OutboundQueue#queueAddAheadOfRegion}. */
    void enqueueAheadOfFile(ByteBuf data) {
        if (queueAddAheadOfRegion(data, alloc) > 0) {
            checkHighWater();
        }
    }

    @Override
    public void flush() {
        requireLoop("flush");
        flushNow();
    }

    @Override
    public void sendFile(Path path, long position, long length) throws IOException {
        requireLoop("sendFile");
        if (closed || closing || length == 0) {
            return;
        }
        if (layer == null) {
            queueAdd(kernelOpenFile(path, position, length));
        } else {
            layerSink.sendFile(path, position, length);
        }
        checkHighWater();
    }

    private void checkHighWater() {
        if (writable && pendingWriteBytes() > limits.highWaterMark()) {
            writable = false;
            flipWritability();
        }
    }

    private void flushNow() {
        if (closed) {
            return;
        }
        try {
            if (layer == null) {
                drainQueue(null, null);
            } else {
                layerSink.flush();
            }
        } catch (IOException e) {
            failed(e);
            return;
        }
        if (!writable && pendingWriteBytes() < limits.lowWaterMark()) {
            writable = true;
            flipWritability();
        }
        if (closed) {
            return;
        }
        if (closing && queueIsEmpty() && !layerHoldsOutput()) {
            closeNow(null, false);
            return;
        }
        updateInterest();
    }

    /**
     * A flush: writes buffers and sends regions until the queue is empty or the socket is full,
     * reading a region into buffers where it cannot go to the socket directly (a layer is in the
     * way, or the transport has no zero-copy path).
     */
    final void drainQueue(Layer layer, LayerSink sink) throws IOException {
        queueFlushed();
        while (!queueIsEmpty()) {
            FileRegion region = queueHeadRegion();
            long result;
            if (region == null) {
                result = kernelWrite(queueFirst(), queueRest(), queueWriteLimit());
            } else if ((result = layer == null ? kernelSendFile(region) : WriteResult.COPY) == WriteResult.COPY) {
                readAhead(region, layer, sink);
                continue;
            }
            long n = WriteResult.written(result);
            if (n > 0) {
                onBytesWritten(n);
                if (region == null) {
                    queueConsume(n);
                } else {
                    queueRegionSent(region, n);
                }
            }
            if (WriteResult.isFull(result)) {
                return;
            }
        }
    }

    /** Reads the next chunk of the head region into a buffer (through the layer) queued ahead of it. */
    private void readAhead(FileRegion region, Layer layer, LayerSink sink) throws IOException {
        ByteBuf chunk = alloc.directBuffer((int) Math.min(FileRegion.CHUNK, region.remaining()));
        try {
            region.read(chunk);
        } catch (IOException | RuntimeException e) {
            chunk.release();
            throw e;
        }
        queueRegionSent(region, chunk.readableBytes());
        queueAddFirst(layer == null ? List.of(chunk) : sink.encodeAside(layer, chunk));
    }

    @Override
    public long pendingWriteBytes() {
        return layer == null ? queueBytes() : queueBytes() + layerSink.pendingBytes();
    }

    /** Bytes written since the last flush (and not sent since). */
    protected final long queuedUnflushedBytes() {
        return queueUnflushedBytes();
    }

    @Override
    public boolean isWritable() {
        return writable && !closed;
    }

    private void flipWritability() {
        flip();
    }

    /** Whether a notification waits for the handler (the testkit delivers it as its own step). */
    protected final boolean hasDeferred() {
        return pending();
    }

    /** The task {@link #scheduleDeferred()} asked for: tells the handler what waited. */
    protected final void runDeferred() {
        runIfIdle();
    }

    @Override
    public void switchHandler(ProtocolHandler next, ByteBuf unread) {
        Objects.requireNonNull(next, "next");
        if (!loop.inLoop() || closed) {
            if (unread != null) {
                unread.release();
            }
            throw loop.inLoop() ? new IllegalStateException(this + " is closed") : wrongThread("switchHandler");
        }
        switchTo(next, unread);
    }

    /**
     * Puts {@code next} between the socket and the handler, before any bytes have passed (a
     * listener's TLS) or at a point the protocol agreed on. Loop thread only.
     */
    public final void installLayer(Layer next) {
        if (layer != null || queueHasRegions()) {
            throw new IllegalStateException(this + (layer != null ? " already has a layer" : " has a file queued"));
        }
        layer = Objects.requireNonNull(next, "layer");
        layerSink = new LayerSink(this, next);
    }

    @Override
    public void close() {
        requireLoop("close");
        if (closed || closing) {
            return;
        }
        closing = true;
        if (layer != null) {
            try {
                layerSink.closing();
            } catch (IOException e) {
                failed(e);
                return;
            }
        }
        if (queueIsEmpty() && !layerHoldsOutput()) {
            closeNow(null, false);
        } else {
            // flushNow sets the interest itself after writing what it can (or closes): setting it
            // here first would be an epoll_ctl for every close with a last answer queued.
            flushNow();
        }
    }

    @Override
    public void abort() {
        requireLoop("abort");
        closeNow(null, true);
    }

    /** A handler exception or socket error: closes at once (RST for a handler's) and tells why. */
    @Override
    protected final void failed(Throwable cause) {
        if (closed) {
            return;
        }
        onFailure(cause);
        closeNow(cause, !(cause instanceof IOException));
    }

    /** Closes the socket now, discarding the queue; the handler's onClose follows its callback. */
    protected final void closeNow(Throwable cause, boolean aborted) {
        if (closed) {
            return;
        }
        closed = true;
        dropInterest();
        kernelClose(cause != null && !(cause instanceof IOException));
        queueDiscard();
        if (layer != null) {
            layerSink.close();
        }
        onClosed(cause, aborted);
        // onClose never runs inside the call that closed (a handler's close, abort or write, or a
        // task's): after the outermost callback, or as the next task.
        tellClosedLater(cause);
    }
}
