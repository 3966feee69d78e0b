package io.jselectors.server.tls;

import io.jselectors.connection.Layer;
import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Server-side TLS as a connection {@link Layer} on the JDK's {@link SSLEngine}.
 *
 * <ul>
 *   <li><b>Handshake.</b> Delegated tasks (certificate signing, key exchange) run on {@code
 *       tasks}, off the loop; the layer then waits — no polling — until the task hands the work
 *       back with {@link EventLoop#execute}. A {@link HandshakeGate} bounds the handshakes per loop
 *       and {@link TlsSettings#handshakeTimeout()} bounds the whole handshake, waiting included,
 *       whatever the peer trickles. Handler writes before the handshake ends are held back and
 *       counted in {@link #pendingBytes()}.
 *   <li><b>Writes.</b> Handler writes collect until the connection flushes; then they are wrapped
 *       together into records of up to 16 KiB of plaintext each, so many small writes cost one
 *       record, not one each.
 *   <li><b>After the handshake.</b> TLS 1.3 post-handshake messages (KeyUpdate) that need an
 *       answer are answered; a TLS 1.2 renegotiation is refused by closing the connection.
 *   <li><b>Closing.</b> {@code close()} sends {@code close_notify} after the queued data. A peer's
 *       {@code close_notify} ends the connection: the layer offers no TLS half-close (TLS 1.3 would
 *       allow it, 1.2 does not); queued data is still sent, then our {@code close_notify}. A TCP
 *       end of stream without {@code close_notify} reaches the handler as input closed, exactly as
 *       without TLS (every protocol here frames its own messages, so truncation is visible).
 *   <li><b>Plaintext to a TLS port.</b> The first byte of a TLS connection is a handshake record
 *       (22); anything else is closed at once, and an HTTP listener first answers 400 in
 *       plaintext so a browser or curl user sees why.
 * </ul>
 *
 * <p>Loop thread only, like every layer.
 */
public final class TlsLayer implements Layer {

    /** The TLS record content type of a handshake message (RFC 8446, 5.1). */
    private static final int CONTENT_HANDSHAKE = 22;
    /** Largest plaintext of one record (RFC 8446, 5.1): the unit writes are coalesced into. */
    public static final int MAX_RECORD_PLAINTEXT = 16 * 1024;
    /**
     * Bytes the layer buffers from the peer while a handshake task runs or it waits for its gate:
     * a client's whole handshake flight fits many times over (certificates included); more is a
     * peer not waiting for our answer.
     */
    public static final int MAX_BUFFERED_INBOUND = 64 * 1024;

    private static final byte[] PLAINTEXT_HTTP_ANSWER = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 42\r\nConnection: close\r\n\r\nThis port speaks TLS: use https:// here.\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SSLEngine engine;
    private final Connection connection;
    private final EventLoop loop;
    private final ByteBufAllocator alloc;
    private final TlsSettings settings;
    private final HandshakeGate gate;
    private final TlsObserver observer;
    private final Runnable admitted = this::admitted;

    private Sink sink;
    private ByteBuf inbound;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private long heldBytes;
    private final long startNanos;
    private EventLoop.Timer timeout;
    private boolean sawFirstByte;
    private boolean inGate;
    private boolean waitingForGate;
    private boolean taskRunning;
    private boolean handshakeDone;
    private boolean failed;
    private boolean closed;

    /**
     * A layer for {@code connection} (not yet opened or read from), using {@code engine} from
     * {@link TlsContext#newServerEngine}; {@code gate} is the connection's loop's.
     */
    public TlsLayer(SSLEngine engine, Connection connection, TlsSettings settings, HandshakeGate gate, TlsObserver observer) {
        this.engine = engine;
        this.connection = connection;
        this.loop = connection.loop();
        this.alloc = connection.alloc();
        this.settings = settings;
        this.gate = gate;
        this.observer = observer;
        this.startNanos = loop.nanoTime();
        Duration limit = settings.handshakeTimeout();
        this.timeout = loop.schedule(this::handshakeTimedOut, limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether the handshake has finished. */
    public boolean handshakeDone() {
        return handshakeDone;
    }

    /** The engine, for the negotiated protocol, cipher suite and ALPN protocol. */
    public SSLEngine engine() {
        return engine;
    }

    @Override
    public void decode(ByteBuf wire, Sink out) throws IOException {
        sink = out;
        if (closed || failed) {
            wire.release();
            return;
        }
        if (!sawFirstByte && wire.isReadable()) {
            sawFirstByte = true;
            if (wire.getUnsignedByte(wire.readerIndex()) != CONTENT_HANDSHAKE) {
                refusePlaintext(wire, out);
                return;
            }
        }
        append(wire);
        if (!handshakeDone && !inGate && !waitingForGate) {
            if (gate.enter(admitted)) {
                inGate = true;
            } else {
                waitingForGate = true;
                connection.pauseReading();
            }
        }
        if (inbound.readableBytes() > MAX_BUFFERED_INBOUND && (taskRunning || waitingForGate)) {
            throw fail(HandshakeFailure.PROTOCOL, new SSLException("peer sent " + inbound.readableBytes()
                    + " bytes without waiting for the handshake (limit " + MAX_BUFFERED_INBOUND + ")"));
        }
        try {
            process();
        } catch (SSLException e) {
            closeAfterFailure();
        }
    }

    @Override
    public void encode(ByteBuf plain, Sink out) {
        sink = out;
        if (closed || failed) {
            plain.release();
            return;
        }
        held.add(plain);
        heldBytes += plain.readableBytes();
    }

    @Override
    public void flush(Sink out) throws IOException {
        sink = out;
        if (handshakeDone && !held.isEmpty() && !closed && !failed) {
            wrapHeld();
        }
    }

    @Override
    public void closing(Sink out) throws IOException {
        sink = out;
        flush(out);
        if (!failed && !closed && sawFirstByte) {
            engine.closeOutbound();
            wrapAll(); // close_notify
        }
    }

    @Override
    public long pendingBytes() {
        return heldBytes;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTimeout();
        if (waitingForGate) {
            gate.cancel(admitted);
        }
        if (!handshakeDone && !failed) {
            observer.handshakeFailed(HandshakeFailure.CLOSED);
        }
        leaveGate();
        release();
    }

    /** Runs the engine on what has arrived until it needs more bytes, a task, or is closed. */
    private void process() throws SSLException {
        while (!closed && !failed && !taskRunning && !waitingForGate) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            switch (hs) {
                case NEED_TASK -> startTask();
                case NEED_WRAP -> {
                    if (wrapAll() == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        throw fail(HandshakeFailure.PROTOCOL, new SSLException("the engine wants to send but produced nothing"));
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN, NOT_HANDSHAKING, FINISHED -> {
                    if (!unwrapOnce()) {
                        return;
                    }
                }
            }
            if (engine.isInboundDone()) {
                peerClosed();
                return;
            }
        }
    }

    /** Unwraps one record if a whole one is buffered; false when more bytes are needed. */
    private boolean unwrapOnce() throws SSLException {
        if (inbound == null || !inbound.isReadable()) {
            return false;
        }
        ByteBuf plain = alloc.directBuffer(engine.getSession().getApplicationBufferSize());
        SSLEngineResult r;
        try {
            r = engine.unwrap(inbound.nioBuffer(), plain.nioBuffer(plain.writerIndex(), plain.writableBytes()));
        } catch (SSLException e) {
            plain.release();
            wrapAlertQuietly();
            throw fail(handshakeDone ? HandshakeFailure.PROTOCOL : HandshakeFailure.of(e), e);
        }
        inbound.skipBytes(r.bytesConsumed());
        plain.writerIndex(plain.writerIndex() + r.bytesProduced());
        if (plain.isReadable()) {
            sink.deliver(plain);
        } else {
            plain.release();
        }
        if (handshakeDone && r.getStatus() == SSLEngineResult.Status.OK && "TLSv1.2".equals(engine.getSession().getProtocol())
                && r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING && r.getHandshakeStatus() != HandshakeStatus.FINISHED) {
            throw fail(HandshakeFailure.RENEGOTIATION, new SSLException("TLS renegotiation refused"));
        }
        afterResult(r.getHandshakeStatus());
        return switch (r.getStatus()) {
            case OK -> r.bytesConsumed() > 0 || r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING;
            case CLOSED -> true;
            case BUFFER_UNDERFLOW -> false;
            case BUFFER_OVERFLOW -> throw fail(HandshakeFailure.PROTOCOL,
                    new SSLException("record larger than the application buffer size"));
        };
    }

    /** Wraps whatever the engine wants to send now (handshake messages, alerts, close_notify). */
    private int wrapAll() throws SSLException {
        int produced = 0;
        ByteBuf out = alloc.directBuffer(engine.getSession().getPacketBufferSize());
        try {
            while (true) {
                SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out.nioBuffer(out.writerIndex(), out.writableBytes()));
                out.writerIndex(out.writerIndex() + r.bytesProduced());
                produced += r.bytesProduced();
                afterResult(r.getHandshakeStatus());
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    out = sendAndRenew(out);
                } else if (r.bytesProduced() == 0 || engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
                    break;
                }
            }
        } catch (SSLException e) {
            out.release();
            throw fail(HandshakeFailure.of(e), e);
        }
        send(out);
        return produced;
    }

    /** Wraps the held handler writes into as few records as the 16 KiB limit allows. */
    private void wrapHeld() throws SSLException {
        ByteBuffer[] src = new ByteBuffer[held.size()];
        int i = 0;
        for (ByteBuf b : held) {
            src[i++] = b.nioBuffer();
        }
        int records = (int) ((heldBytes + MAX_RECORD_PLAINTEXT - 1) / MAX_RECORD_PLAINTEXT);
        int overhead = engine.getSession().getPacketBufferSize() - MAX_RECORD_PLAINTEXT;
        ByteBuf out = alloc.directBuffer((int) Math.min(Integer.MAX_VALUE - 1, heldBytes + (long) records * overhead));
        try {
            long left = heldBytes;
            while (left > 0) {
                SSLEngineResult r = engine.wrap(src, out.nioBuffer(out.writerIndex(), out.writableBytes()));
                out.writerIndex(out.writerIndex() + r.bytesProduced());
                left -= r.bytesConsumed();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    out = sendAndRenew(out);
                } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    break;
                }
            }
        } catch (SSLException e) {
            out.release();
            throw fail(HandshakeFailure.PROTOCOL, e);
        } finally {
            releaseHeld();
        }
        send(out);
    }

    private ByteBuf sendAndRenew(ByteBuf out) {
        int size = engine.getSession().getPacketBufferSize();
        if (out.isReadable()) {
            sink.send(out);
        } else {
            out.release();
            size *= 2; // the engine wanted more room than a packet: give it
        }
        return alloc.directBuffer(size);
    }

    private void send(ByteBuf out) {
        if (out.isReadable()) {
            sink.send(out);
        } else {
            out.release();
        }
    }

    /** Reacts to a handshake status reported by a wrap or unwrap. */
    private void afterResult(HandshakeStatus hs) {
        if (hs == HandshakeStatus.FINISHED && !handshakeDone) {
            handshakeDone = true;
            cancelTimeout();
            leaveGate();
            observer.handshakeDone(engine.getSession().getProtocol(), loop.nanoTime() - startNanos);
            if (!held.isEmpty()) {
                loop.execute(this::resume); // what the handler wrote meanwhile goes with the next flush
            }
        }
    }

    private void startTask() {
        Runnable task = engine.getDelegatedTask();
        if (task == null) {
            return;
        }
        taskRunning = true;
        try {
            settings.taskExecutor().execute(() -> {
                Runnable next = task;
                while (next != null) {
                    next.run();
                    next = engine.getDelegatedTask();
                }
                loop.execute(this::taskDone);
            });
        } catch (RejectedExecutionException e) {
            taskRunning = false;
            task.run(); // the task pool is shutting down: finish on the loop rather than hang
        }
    }

    private void taskDone() {
        taskRunning = false;
        resume();
    }

    private void admitted() {
        waitingForGate = false;
        inGate = true;
        if (!closed) {
            connection.resumeReading();
            loop.execute(this::resume);
        }
    }

    /** Continues after a task or a gate wait, on the loop, outside any read batch: flushes itself. */
    private void resume() {
        if (closed || failed) {
            return;
        }
        try {
            process();
        } catch (SSLException e) {
            closeAfterFailure();
            return;
        }
        if (connection.isOpen()) {
            connection.flush();
        }
    }

    private void peerClosed() {
        // No TLS half-close: the peer's close_notify ends the connection once our queue is sent.
        connection.close();
    }

    private void refusePlaintext(ByteBuf wire, Sink out) {
        failed = true;
        boolean http = settings.alpn().contains("http/1.1") && Character.isUpperCase(wire.getUnsignedByte(wire.readerIndex()));
        wire.release();
        cancelTimeout();
        observer.handshakeFailed(HandshakeFailure.PLAINTEXT);
        if (http) {
            out.send(alloc.directBuffer(PLAINTEXT_HTTP_ANSWER.length).writeBytes(PLAINTEXT_HTTP_ANSWER));
        }
        connection.close();
    }

    private void handshakeTimedOut() {
        timeout = null;
        if (!handshakeDone && !closed && !failed) {
            failed = true;
            observer.handshakeFailed(HandshakeFailure.TIMEOUT);
            connection.abort();
        }
    }

    /** Closes after a failure that fail() recorded: the queued alert goes out first, no close_notify. */
    private void closeAfterFailure() {
        if (connection.isOpen()) {
            connection.close();
        }
    }

    /** Records the failure once and closes the connection; returns the exception to throw. */
    private SSLException fail(HandshakeFailure reason, SSLException e) {
        if (!failed) {
            failed = true;
            if (!handshakeDone || reason == HandshakeFailure.RENEGOTIATION) {
                observer.handshakeFailed(reason);
            }
        }
        return e;
    }

    /** Sends the alert the engine has queued after a failed unwrap (best effort). */
    private void wrapAlertQuietly() {
        try {
            ByteBuf out = alloc.directBuffer(engine.getSession().getPacketBufferSize());
            SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out.nioBuffer(0, out.writableBytes()));
            out.writerIndex(r.bytesProduced());
            send(out);
        } catch (SSLException | RuntimeException ignored) {
            // The alert is a courtesy; the connection closes either way.
        }
    }

    private void append(ByteBuf wire) {
        if (inbound == null || !inbound.isReadable()) {
            if (inbound != null) {
                inbound.release();
            }
            inbound = wire;
            return;
        }
        ByteBuf joined = alloc.directBuffer(inbound.readableBytes() + wire.readableBytes());
        joined.writeBytes(inbound).writeBytes(wire);
        inbound.release();
        wire.release();
        inbound = joined;
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel();
            timeout = null;
        }
    }

    private void leaveGate() {
        if (inGate) {
            inGate = false;
            gate.leave();
        }
    }

    private void releaseHeld() {
        ByteBuf b;
        while ((b = held.poll()) != null) {
            b.release();
        }
        heldBytes = 0;
    }

    private void release() {
        releaseHeld();
        if (inbound != null) {
            inbound.release();
            inbound = null;
        }
    }
}
