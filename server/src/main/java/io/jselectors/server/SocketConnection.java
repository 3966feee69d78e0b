package io.jselectors.server;

import io.jselectors.connection.AbstractConnection;
import io.jselectors.connection.FileRegion;
import io.jselectors.connection.tls.FirstBytes;
import io.jselectors.protocol.LoopCounter;
import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection on a worker loop: the socket glue under {@link AbstractConnection},
 * which owns the rules. This class only moves bytes through its {@link Transport.StreamSocket},
 * keeps the loop's selector registration equal to what the core asks for, counts bytes and
 * activity, and tells its worker when it closed and why.
 *
 * <p>Everything here runs on the worker's loop thread.
 */
final class SocketConnection extends AbstractConnection implements IoLoop.IoHandler {

    private static final Logger log = LoggerFactory.getLogger(SocketConnection.class);

    /** The loop's context; the worker is reached through it (a field less per connection). */
    private final LoopContext context;
    private final Listener listener;
    private final Transport.StreamSocket socket;
    private final long id;
    /** This loop's byte counts of the listener: a field store per read and write. */
    private final LoopCounter.Cell bytesRead;
    private final LoopCounter.Cell bytesWritten;
    /** Why the server asked the handler to close (idle, shutdown), for the closed-by-cause count. */
    private CloseCause requestedCause;
    /** What an abort counts as: LOCAL for a handler's, SHUTDOWN at the drain deadline. */
    private CloseCause abortCause = CloseCause.LOCAL;
    /** Whether the first read of a plaintext connection is still to come ({@link TlsOnPlaintextPort}). */
    private boolean firstPlaintextRead;
    long lastActivityNanos;
    /** The links of the worker's list of its connections ({@link Worker.Connections}). */
    SocketConnection listPrev;
    SocketConnection listNext;

    SocketConnection(LoopContext context, Listener listener, Transport.StreamSocket socket, long id) {
        super(context.loop(), context.alloc(), context.limits());
        this.context = context;
        this.listener = listener;
        this.socket = socket;
        this.id = id;
        // Made on the loop thread (Worker.adopt's task), so these are the loop's own cells.
        this.bytesRead = listener.meters().readCell();
        this.bytesWritten = listener.meters().writtenCell();
        this.firstPlaintextRead = listener.tlsRefusals() != null;
        if (context.selector().isEdgeTriggered()) {
            readEdgeTriggered();
        }
    }

    /** Creates the handler, starts reading and tells the handler. */
    void open() {
        lastActivityNanos = context.now();
        open(() -> listener.plugin().newHandler(listener.context()));
    }

    @Override
    public void onReady(int events) {
        if ((events & Selector.EVENT_READ) != 0) {
            onReadable((events & Selector.EVENT_PEER_CLOSED) != 0);
        }
        if ((events & Selector.EVENT_WRITE) != 0) {
            onWritable();
        }
    }

    // ---------------------------------------------------------------- kernel hooks

    @Override
    protected ByteBuf readBuffer(int size) {
        return context.readSpare().take(context.alloc(), size);
    }

    @Override
    protected int kernelRead(ByteBuf dst) throws IOException {
        int n = socket.read(dst, context.scratch());
        if (firstPlaintextRead && n > 0) {
            firstPlaintextRead = false;
            if (FirstBytes.isTlsRecord(dst)) {
                throw TlsOnPlaintextPort.refuse(this, socket, context.scratch(), dst, listener.tlsRefusals());
            }
        }
        return n;
    }

    @Override
    protected long kernelWrite(ByteBuf first, ArrayDeque<ByteBuf> rest, int maxBuffers) throws IOException {
        return socket.write(first, rest, maxBuffers, context.scratch());
    }

    @Override
    protected FileRegion kernelOpenFile(Path path, long position, long length) throws IOException {
        return socket.openFile(path, position, length);
    }

    @Override
    protected long kernelSendFile(FileRegion region) throws IOException {
        return socket.sendFile(region, context.scratch());
    }

    @Override
    protected void kernelInterest(int old, int events) throws IOException {
        Selector selector = context.selector();
        if (old == 0) {
            selector.register(socket.fileobj(), events, this);
        } else if (events == 0) {
            selector.unregister(socket.fileobj());
        } else {
            selector.modify(socket.fileobj(), events, this);
        }
    }

    @Override
    protected void kernelClose(boolean reset) {
        if (reset) {
            socket.resetOnClose();
        }
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("connection {}: close: {}", id, e.toString());
        }
    }

    @Override
    protected void scheduleDeferred() {
        loop.execute(this::runDeferred);
    }

    @Override
    protected void onBytesRead(int n) {
        lastActivityNanos = context.now();
        bytesRead.add(n);
    }

    @Override
    protected void onBytesWritten(long n) {
        lastActivityNanos = context.now();
        bytesWritten.add(n);
    }

    @Override
    protected void onFailure(Throwable cause) {
        if (DirectMemory.isExhausted(cause)) {
            DirectMemory.reportExhausted(this); // rate-limited: a flood must not flood the log too
        } else if (cause instanceof IOException) {
            log.debug("connection {} from {}: {}", id, socket.remoteAddress(), cause.toString());
        } else {
            log.warn("connection {} from {}: handler failed, closing", id, socket.remoteAddress(), cause);
        }
    }

    @Override
    protected void onClosed(Throwable cause, boolean aborted) {
        CloseCause why;
        if (cause instanceof TlsOnPlaintextPort.Refused) {
            why = CloseCause.LOCAL; // we closed it: the peer spoke TLS to a plaintext port
        } else if (cause instanceof IOException) {
            why = CloseCause.PEER_RESET;
        } else if (cause != null) {
            why = CloseCause.ERROR;
        } else if (aborted) {
            why = abortCause;
        } else if (requestedCause != null) {
            why = requestedCause;
        } else {
            why = isInputClosed() ? CloseCause.PEER : CloseCause.LOCAL;
        }
        context.worker().connectionClosed(this, why);
    }

    // ---------------------------------------------------------------- server events

    /** Asks the handler to wind down (graceful shutdown). */
    void shutdown() {
        requestedCause = CloseCause.SHUTDOWN;
        callback(h -> h.onShutdown(this));
    }

    /** Closes now: the drain deadline passed. */
    void abortForShutdown() {
        abortCause = CloseCause.SHUTDOWN;
        abort();
    }

    /** Tells the handler it has been idle. */
    void idle() {
        if (!isOpen()) {
            return;
        }
        lastActivityNanos = context.now();
        if (requestedCause == null) {
            requestedCause = CloseCause.IDLE;
        }
        callback(h -> h.onIdle(this));
        if (isOpen() && !isClosing()) {
            requestedCause = null; // the handler chose to keep it open
        }
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

    Listener listener() {
        return listener;
    }

    /** Whether this connection's loop reports readiness edge-triggered (for tests). */
    boolean readsEdgeTriggered() {
        return context.selector().isEdgeTriggered();
    }

    @Override
    public String toString() {
        return "connection " + id + " (" + socket + ")";
    }
}
