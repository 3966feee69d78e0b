package io.jselectors.connection.tls;

import io.jselectors.connection.Layer;
import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Server-side TLS as a connection {@link Layer} on the JDK's {@link SSLEngine}: the server puts it under
 * every connection of a TLS listener, the testkit under every connection of a tester over TLS.
 *
 * <ul>
 *   <li><b>Handshake.</b> Delegated tasks (certificate signing, key exchange) run on the
 *       settings' task executor, off the loop (a loop turn's worth together when it is the loop's
 *       {@link HandshakeTasks}); the layer then waits — no polling — until the task hands the work
 *       back with {@link EventLoop#execute}. A {@link HandshakeGate} bounds the handshakes per loop
 *       and {@link TlsSettings#handshakeTimeout()} bounds the whole handshake, waiting included,
 *       whatever the peer trickles. Handler writes before the handshake ends are held back and
 *       counted in {@link #pendingBytes()}. A handler that pauses reading does not pause the
 *       handshake ({@link #needsInput()}); waiting for the gate stops reading ({@link #refusesInput()}).
 *   <li><b>Writes.</b> Handler writes collect until the connection flushes; then they are wrapped
 *       together into records of up to 16 KiB of plaintext each, so many small writes cost one
 *       record, not one each.
 *   <li><b>After the handshake.</b> TLS 1.3 post-handshake messages (KeyUpdate) that need an
 *       answer are answered; a TLS 1.2 renegotiation is refused by closing the connection.
 *   <li><b>Closing.</b> {@code close()} sends {@code close_notify} after the queued data; a close
 *       before the handshake has finished waits for it (within its timeout), so that what the
 *       handler wrote first (a greeting, a daytime answer) is still sent. A peer's
 *       {@code close_notify} ends the connection: the layer offers no TLS half-close (TLS 1.3 would
 *       allow it, 1.2 does not); queued data is still sent, then our {@code close_notify}. A TCP
 *       end of stream without {@code close_notify} reaches the handler as input closed, exactly as
 *       without TLS (every protocol here frames its own messages, so truncation is visible).
 *   <li><b>Plaintext to a TLS port.</b> The first byte of a TLS connection is a handshake record
 *       (22); anything else is closed at once, and an HTTP listener first answers 400 in
 *       plaintext so a browser or curl user sees why.
 * </ul>
 *
 * <p>The bytes themselves (buffered records, held writes, the engine's wrap and unwrap) are
 * {@link TlsRecords}'; the handshake's timeout, gate slot and counted outcome are {@link
 * HandshakeBounds}'; this class drives the engine and holds the rules.
 *
 * <p>Loop thread only, like every layer.
 */
public final class TlsLayer implements Layer {

    /** Largest plaintext of one record (RFC 8446, 5.1): the unit writes are coalesced into. */
    public static final int MAX_RECORD_PLAINTEXT = TlsRecords.MAX_RECORD_PLAINTEXT;
    /**
     * Bytes the layer buffers from the peer while a handshake task runs or it waits for its gate:
     * a client's whole handshake flight fits many times over (certificates included); more is a
     * peer not waiting for our answer.
     */
    public static final int MAX_BUFFERED_INBOUND = 64 * 1024;

    private final SSLEngine engine;
    private final TlsRecords records;
    private final Connection connection;
    private final EventLoop loop;
    private final TlsSettings settings;
    private final HandshakeBounds bounds;

    private Sink sink;
    private boolean sawFirstByte;
    private boolean taskRunning;
    private boolean handshakeDone;
    /** The handshake is over and the last unwrap reported nothing more to do: see {@link #process()}. */
    private boolean settled;
    private boolean failed;
    private boolean closed;
    private boolean closeRequested;
    private boolean closeNotifySent;

    /**
     * A layer for {@code connection} (not yet opened or read from), using {@code engine} from
     * {@link TlsEngines#newServerEngine} (the server: its {@code TlsContext}); {@code gate} is the
     * connection's loop's.
     */
    public TlsLayer(SSLEngine engine, Connection connection, TlsSettings settings, HandshakeGate gate, TlsObserver observer) {
        this.engine = engine;
        this.records = new TlsRecords(engine, connection.alloc());
        this.connection = connection;
        this.loop = connection.loop();
        this.settings = settings;
        this.bounds = new HandshakeBounds(loop, settings.handshakeTimeout(), gate, observer, this::admitted, this::handshakeTimedOut);
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
            if (!FirstBytes.mayBeTls(wire)) {
                refusePlaintext(wire, out);
                return;
            }
        }
        records.append(wire);
        // Waiting for a slot makes refusesInput() true: the connection stops reading until admitted.
        boolean waiting = !handshakeDone && bounds.enter();
        if (records.inboundBytes() > MAX_BUFFERED_INBOUND && (taskRunning || waiting)) {
            throw fail(HandshakeFailure.PROTOCOL, new SSLException("peer sent " + records.inboundBytes()
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
        records.hold(plain);
    }

    @Override
    public void flush(Sink out) throws IOException {
        sink = out;
        if (handshakeDone && records.hasHeld() && !closed && !failed) {
            try {
                records.wrapHeld(out);
                settled &= !records.takeHandshaking();
            } catch (SSLException e) {
                throw fail(HandshakeFailure.PROTOCOL, e);
            }
        }
        // close_notify goes after the held writes: once the handshake has let them go.
        if (closeRequested && !closeNotifySent && !failed && !closed && sawFirstByte && !records.hasHeld()) {
            closeNotifySent = true;
            engine.closeOutbound();
            wrapAll();
        }
    }

    @Override
    public void closing(Sink out) throws IOException {
        closeRequested = true;
        flush(out);
    }

    /** The handshake is under way: it reads what it needs even while the handler has paused reading. */
    @Override
    public boolean needsInput() {
        return !handshakeDone && !failed && !closed && !bounds.waiting();
    }

    /** Waiting for a handshake slot: the peer's bytes stay in the socket (TCP backpressure) meanwhile. */
    @Override
    public boolean refusesInput() {
        return bounds.waiting();
    }

    /** Before the handshake has finished, writes wait here (a file sent meanwhile waits behind them). */
    @Override
    public boolean holdsWrites() {
        return !handshakeDone && !failed && !closed;
    }

    /** Held handler writes (bytes plus the per-entry overhead); none once the layer has failed, as they will never be sent (a close then goes at once). */
    @Override
    public long pendingBytes() {
        return failed ? 0 : records.heldCost();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!handshakeDone && !failed) {
            bounds.failed(HandshakeFailure.CLOSED);
        }
        bounds.close();
        records.release();
    }

    /**
     * Runs the engine on what has arrived until it needs more bytes, a task, or is closed. Once the
     * handshake is over and the last record reported nothing to do ({@code settled}), records are
     * unwrapped without asking the engine its status first (each question takes the engine's lock);
     * any other status a result reports goes back to asking.
     */
    private void process() throws SSLException {
        while (!closed && !failed && !taskRunning && !bounds.waiting()) {
            HandshakeStatus hs = settled ? HandshakeStatus.NOT_HANDSHAKING : engine.getHandshakeStatus();
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
            if (!settled && engine.isInboundDone()) {
                peerClosed();
                return;
            }
        }
    }

    /** Unwraps one record if a whole one is buffered; false when more bytes are needed. */
    private boolean unwrapOnce() throws SSLException {
        SSLEngineResult r;
        try {
            r = records.unwrap(sink);
        } catch (SSLException e) {
            settled = false;
            records.wrapAlertQuietly(sink);
            throw fail(handshakeDone ? HandshakeFailure.PROTOCOL : HandshakeFailure.of(e), e);
        }
        if (r == null) {
            return false;
        }
        HandshakeStatus hs = r.getHandshakeStatus();
        settled = handshakeDone && hs == HandshakeStatus.NOT_HANDSHAKING && r.getStatus() == SSLEngineResult.Status.OK;
        if (handshakeDone && hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED
                && r.getStatus() == SSLEngineResult.Status.OK && "TLSv1.2".equals(engine.getSession().getProtocol())) {
            throw fail(HandshakeFailure.RENEGOTIATION, new SSLException("TLS renegotiation refused"));
        }
        afterResult(hs);
        return switch (r.getStatus()) {
            case OK -> r.bytesConsumed() > 0 || hs != HandshakeStatus.NOT_HANDSHAKING;
            case CLOSED -> true;
            case BUFFER_UNDERFLOW -> false;
            case BUFFER_OVERFLOW -> throw fail(HandshakeFailure.PROTOCOL,
                    new SSLException("record larger than the application buffer size"));
        };
    }

    /** Wraps whatever the engine wants to send now; a FINISHED it reports ends the handshake. */
    private int wrapAll() throws SSLException {
        int produced;
        try {
            produced = records.wrapAll(sink);
        } catch (SSLException e) {
            throw fail(HandshakeFailure.of(e), e);
        }
        if (records.takeFinished()) {
            afterResult(HandshakeStatus.FINISHED);
        }
        return produced;
    }

    /** Reacts to a handshake status reported by a wrap or unwrap. */
    private void afterResult(HandshakeStatus hs) {
        if (hs == HandshakeStatus.FINISHED && !handshakeDone) {
            handshakeDone = true;
            records.sizesChanged(); // the negotiated session's, from now on
            bounds.succeeded(engine.getSession().getProtocol());
            if (records.hasHeld()) {
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
        HandshakeTasks.run(settings.taskExecutor(), loop, () -> {
            Runnable next = task;
            while (next != null) {
                next.run();
                next = engine.getDelegatedTask();
            }
        }, this::taskDone);
    }

    private void taskDone() {
        taskRunning = false;
        resume();
    }

    private void admitted() {
        if (!closed) {
            loop.execute(this::resume); // its flush brings reading back (refusesInput() is false now)
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
        boolean http = settings.alpn().contains("http/1.1") && FirstBytes.looksLikeHttp(wire);
        wire.release();
        bounds.cancelTimeout();
        bounds.failed(HandshakeFailure.PLAINTEXT);
        if (http) {
            out.send(FirstBytes.plaintextHttpAnswer(connection.alloc()));
        }
        connection.close();
    }

    private void handshakeTimedOut() {
        if (!handshakeDone && !closed && !failed) {
            failed = true;
            bounds.failed(HandshakeFailure.TIMEOUT);
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
                bounds.failed(reason);
            }
        }
        return e;
    }
}
