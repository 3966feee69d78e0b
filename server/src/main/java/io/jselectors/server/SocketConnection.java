package io.jselectors.server;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection on a worker loop: reads into pooled buffers for its handler, queues and
 * gathers writes, flips writability at the water marks and keeps the selector interest in step
 * with what it wants (READ unless paused or at EOF, WRITE only while output waits).
 *
 * <p>Everything here runs on the worker's loop thread.
 */
final class SocketConnection implements Connection, IoLoop.IoHandler {

    private static final Logger log = LoggerFactory.getLogger(SocketConnection.class);

    /** Smallest and largest read buffer; the size adapts between them to what reads return. */
    static final int MIN_READ = 512;
    static final int MAX_READ = 64 * 1024;

    private final Worker worker;
    private final Listener listener;
    private final Transport.StreamSocket socket;
    private final long id;
    private final ArrayDeque<ByteBuf> outbound = new ArrayDeque<>();
    private ProtocolHandler handler;
    private long pendingBytes;
    private boolean writable = true;
    private boolean readingPaused;
    private boolean inputClosed;
    private boolean closing;
    private boolean closed;
    private int interest;
    private int readSize = 2048;
    /** Handler callbacks under way on the stack; writability changes wait until it is 0. */
    private int callbackDepth;
    /** Writability changes not yet told to the handler; each one is told, in order. */
    private int pendingFlips;
    private boolean toldWritable = true;
    /** Why the server asked the handler to close (idle, shutdown), for the closed-by-cause count. */
    private CloseCause requestedCause;
    long lastActivityNanos;

    SocketConnection(Worker worker, Listener listener, Transport.StreamSocket socket, long id) {
        this.worker = worker;
        this.listener = listener;
        this.socket = socket;
        this.id = id;
    }

    /** Creates the handler, starts reading and tells the handler. */
    void open() {
        lastActivityNanos = worker.now();
        callbackDepth++;
        try {
            handler = listener.plugin().newHandler(listener.context());
            updateInterest();
            handler.onOpen(this);
        } catch (Throwable t) {
            failed(t);
        } finally {
            leaveCallback();
        }
    }

    // ---------------------------------------------------------------- readiness

    @Override
    public void onReady(int events) {
        if ((events & Selector.EVENT_READ) != 0) {
            readBatch();
        }
        if ((events & Selector.EVENT_WRITE) != 0 && !closed) {
            flush();
        }
    }

    private void readBatch() {
        int reads = 0;
        while (!closed && !readingPaused && !inputClosed && !closing && reads++ < worker.settings().maxReadsPerEvent()) {
            ByteBuf buf;
            try {
                buf = worker.alloc().directBuffer(readSize);
            } catch (OutOfMemoryError e) {
                failed(e); // the direct memory cap: this connection goes, the loop lives
                return;
            }
            int requested = buf.writableBytes();
            int n;
            try {
                n = socket.read(buf, worker.scratch());
            } catch (IOException e) {
                buf.release();
                failed(e);
                return;
            }
            if (n <= 0) {
                buf.release();
                if (n < 0) {
                    onEndOfInput();
                }
                break;
            }
            lastActivityNanos = worker.now();
            listener.meters().bytesRead(n);
            adaptReadSize(n, requested);
            callbackDepth++;
            try {
                handler.onRead(this, buf);
            } catch (Throwable t) {
                failed(t);
                return;
            } finally {
                leaveCallback();
            }
            if (n < requested) {
                break; // the socket is drained: skip the read that would say EAGAIN
            }
        }
        if (!closed && !outbound.isEmpty()) {
            flush();
        }
    }

    private void adaptReadSize(int n, int requested) {
        if (n == requested) {
            readSize = Math.min(MAX_READ, readSize << 1);
        } else if (n < readSize >>> 2) {
            readSize = Math.max(MIN_READ, readSize >>> 1);
        }
    }

    private void onEndOfInput() {
        inputClosed = true;
        updateInterest();
        callbackDepth++;
        try {
            handler.onInputClosed(this);
        } catch (Throwable t) {
            failed(t);
        } finally {
            leaveCallback();
        }
    }

    // ---------------------------------------------------------------- writing

    @Override
    public void write(ByteBuf data) {
        if (!worker.loop().inLoop()) {
            data.release(); // ownership passes with the call, even a refused one
            throw new IllegalStateException("write from " + Thread.currentThread().getName() + " to " + this
                    + ", which belongs to " + worker.loop().name() + ": use connection.loop().execute(...)");
        }
        if (closed || closing) {
            data.release();
            return;
        }
        ByteBuf direct = data;
        if (!data.hasMemoryAddress()) {
            // Heap and composite buffers are copied once so every queued buffer has an address.
            direct = worker.alloc().directBuffer(data.readableBytes());
            direct.writeBytes(data, data.readerIndex(), data.readableBytes());
            data.release();
        }
        if (!direct.isReadable()) {
            direct.release();
            return;
        }
        outbound.add(direct);
        pendingBytes += direct.readableBytes();
        if (writable && pendingBytes > worker.settings().highWaterMark()) {
            writable = false;
            flipWritability();
        }
    }

    @Override
    public void flush() {
        if (closed) {
            return;
        }
        while (!outbound.isEmpty()) {
            long n;
            try {
                n = socket.write(outbound, worker.scratch());
            } catch (IOException e) {
                failed(e);
                return;
            }
            if (n == 0) {
                break;
            }
            lastActivityNanos = worker.now();
            listener.meters().bytesWritten(n);
            boolean wholeQueueTried = outbound.size() <= NativeTransport.IOV_MAX;
            boolean socketFull = wholeQueueTried && n < pendingBytes;
            consume(n);
            if (socketFull) {
                break; // the socket took less than offered: it is full
            }
        }
        if (!writable && pendingBytes < worker.settings().lowWaterMark()) {
            writable = true;
            flipWritability();
        }
        if (closed) {
            return;
        }
        if (closing && outbound.isEmpty()) {
            finishClose(null);
            return;
        }
        updateInterest();
    }

    private void consume(long n) {
        pendingBytes -= n;
        while (n > 0) {
            ByteBuf head = outbound.peekFirst();
            int readable = head.readableBytes();
            if (readable <= n) {
                n -= readable;
                outbound.pollFirst().release();
            } else {
                head.skipBytes((int) n);
                n = 0;
            }
        }
    }

    /**
     * Records a water-mark crossing. The handler hears of it once its current callback has
     * returned, never from inside {@link #write} (no re-entry), and hears of every crossing in
     * order: a write that crosses the high mark and a flush that drains below the low one in the
     * same callback are two notifications, so a handler that paused is always told to resume.
     */
    private void flipWritability() {
        if (pendingFlips++ == 0 && callbackDepth == 0) {
            // Outside any callback of ours (a flush on WRITE readiness, a write from a task): tell
            // the handler after the current task rather than from inside the caller's write.
            worker.loop().execute(this::tellWritability);
        }
    }

    private void leaveCallback() {
        if (--callbackDepth == 0 && pendingFlips > 0) {
            tellWritability();
        }
    }

    private void tellWritability() {
        while (pendingFlips > 0 && !closed) {
            pendingFlips--;
            toldWritable = !toldWritable;
            callbackDepth++;
            try {
                handler.onWritabilityChanged(this, toldWritable);
            } catch (Throwable t) {
                failed(t);
            } finally {
                callbackDepth--;
            }
        }
    }

    @Override
    public long pendingWriteBytes() {
        return pendingBytes;
    }

    @Override
    public boolean isWritable() {
        return writable && !closed;
    }

    // ---------------------------------------------------------------- reading control

    @Override
    public void pauseReading() {
        if (!readingPaused) {
            readingPaused = true;
            updateInterest();
        }
    }

    @Override
    public void resumeReading() {
        if (readingPaused) {
            readingPaused = false;
            updateInterest();
        }
    }

    @Override
    public boolean isReadingPaused() {
        return readingPaused;
    }

    /** Keeps the selector registration equal to what this connection waits for. */
    private void updateInterest() {
        if (closed) {
            return;
        }
        int want = 0;
        if (!readingPaused && !inputClosed && !closing) {
            want |= Selector.EVENT_READ;
        }
        if (!outbound.isEmpty()) {
            want |= Selector.EVENT_WRITE;
        }
        if (want == interest) {
            return;
        }
        Selector selector = worker.selector();
        try {
            if (interest == 0) {
                selector.register(socket.fileobj(), want, this);
            } else if (want == 0) {
                selector.unregister(socket.fileobj());
            } else {
                selector.modify(socket.fileobj(), want, this);
            }
            interest = want;
        } catch (IOException | RuntimeException e) {
            failed(e);
        }
    }

    // ---------------------------------------------------------------- closing

    @Override
    public void close() {
        if (closed || closing) {
            return;
        }
        closing = true;
        if (outbound.isEmpty()) {
            finishClose(null);
        } else {
            updateInterest();
            flush();
        }
    }

    @Override
    public void abort() {
        closeNow(null, CloseCause.LOCAL);
    }

    /** A handler exception or socket error: close at once and tell the handler why. */
    void failed(Throwable cause) {
        if (closed) {
            return;
        }
        if (DirectMemory.isExhausted(cause)) {
            DirectMemory.reportExhausted(this); // rate-limited: a flood must not flood the log too
            socket.resetOnClose();
            closeNow(cause, CloseCause.ERROR);
        } else if (cause instanceof IOException) {
            log.debug("connection {} from {}: {}", id, socket.remoteAddress(), cause.toString());
            closeNow(cause, CloseCause.PEER_RESET);
        } else {
            log.warn("connection {} from {}: handler failed, closing", id, socket.remoteAddress(), cause);
            socket.resetOnClose();
            closeNow(cause, CloseCause.ERROR);
        }
    }

    private void finishClose(Throwable cause) {
        closeNow(cause, requestedCause != null ? requestedCause : inputClosed ? CloseCause.PEER : CloseCause.LOCAL);
    }

    /** Closes the socket with the given cause; idempotent. */
    void closeNow(Throwable cause, CloseCause why) {
        if (closed) {
            return;
        }
        closed = true;
        if (interest != 0) {
            try {
                worker.selector().unregister(socket.fileobj());
            } catch (IOException | RuntimeException e) {
                log.debug("connection {}: unregister: {}", id, e.toString());
            }
            interest = 0;
        }
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("connection {}: close: {}", id, e.toString());
        }
        for (ByteBuf b; (b = outbound.pollFirst()) != null; ) {
            b.release();
        }
        pendingBytes = 0;
        worker.connectionClosed(this, why);
        if (handler != null) {
            try {
                handler.onClose(this, cause);
            } catch (Throwable t) {
                log.warn("connection {}: onClose failed", id, t);
            }
        }
    }

    /** Asks the handler to wind down (graceful shutdown). */
    void shutdown() {
        if (closed) {
            return;
        }
        requestedCause = CloseCause.SHUTDOWN;
        callbackDepth++;
        try {
            handler.onShutdown(this);
        } catch (Throwable t) {
            failed(t);
        } finally {
            leaveCallback();
        }
    }

    /** Tells the handler it has been idle. */
    void idle() {
        if (closed) {
            return;
        }
        lastActivityNanos = worker.now();
        if (requestedCause == null) {
            requestedCause = CloseCause.IDLE;
        }
        callbackDepth++;
        try {
            handler.onIdle(this);
        } catch (Throwable t) {
            failed(t);
        } finally {
            leaveCallback();
        }
        if (!closing && !closed) {
            requestedCause = null; // the handler chose to keep it open
        }
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    // ---------------------------------------------------------------- identity

    @Override
    public long id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return socket.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    @Override
    public EventLoop loop() {
        return worker.loop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return worker.alloc();
    }

    Listener listener() {
        return listener;
    }

    @Override
    public String toString() {
        return "connection " + id + " (" + socket + ")";
    }
}
