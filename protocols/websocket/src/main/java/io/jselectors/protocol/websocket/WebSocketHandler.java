package io.jselectors.protocol.websocket;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.protocol.WebSocketCloseCodes;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketMessage;
import io.jselectors.protocol.WebSocketSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs one WebSocket session on a connection whose handshake is done: decodes frames, answers pings,
 * runs the closing handshake (RFC 6455 section 7), fails the connection with the code the RFC names
 * when the peer breaks a rule, pings a quiet peer, and passes messages to the {@link
 * WebSocketEndpoint}. The http listener hands a connection to it after answering 101.
 *
 * <p>Closing: when the peer closes first, its code is echoed (an empty close for none) and the
 * connection is closed after the echo is sent (section 7.1.1: the server closes TCP first). When we
 * close first, frames other than the peer's close are discarded until it arrives or the close
 * timeout passes.
 *
 * <p>Backpressure: while the connection is not writable, reading pauses, so neither the
 * endpoint's replies nor our pongs can grow without bound. The endpoint may pause reading too
 * ({@link #pauseReading()}): decoding stops after the message being delivered, the rest of the
 * read is kept, and the socket is not read until it resumes and neither reason holds.
 *
 * <p>Batching: what is sent while a read is handled (the endpoint's replies, pongs, a close) is
 * only queued; the connection flushes once at the end of its read batch ({@link
 * Connection#write}'s contract), so sixteen echoes from one read are one socket write. A send from
 * anywhere else (an {@code execute} task, a timer, another session's fan-out) is flushed by one
 * task queued on the loop at the first such send: every line a fan-out hands this session during
 * one pass over the loop's tasks leaves in one write.
 *
 * <p>Per message, an echo costs one buffer: a message is assembled with room for a frame header in
 * front of it, so when the endpoint sends the very buffer it was given (unchanged reader index or
 * further on) the reply's header is written into that room and the buffer is queued as the whole
 * frame. Another payload up to {@value #COPY_MAX_PAYLOAD} bytes is copied behind its header into
 * one buffer; a larger one is queued as it is after a header buffer of its own. Counts go to the
 * loop's {@link WebSocketMeters.Cells} (a field store each).
 */
public final class WebSocketHandler implements ProtocolHandler, WebSocketSession, MessageAssembler.Sink {

    private final WebSocketEndpoint endpoint;
    private final WebSocketSettings settings;
    private final String subprotocol;
    /**
     * Payloads up to this size are copied behind their header into one buffer: one queue entry and
     * one iovec instead of two costs less than copying this many bytes; above it, the payload is
     * queued as it is (no copy of large messages).
     */
    static final int COPY_MAX_PAYLOAD = 512;

    private final WebSocketMeters meters;
    private WebSocketMeters.Cells counts;
    /** The message buffer the endpoint is being handed right now, whose headroom a reply may use. */
    private ByteBuf delivered;
    private final FrameDecoder decoder = new FrameDecoder(true);
    private MessageAssembler assembler;
    private Connection connection;
    private Keepalive keepalive;
    private EventLoop.Timer closeTimer;
    private MessageDeadline deadline;
    /**
     * A read ended inside a message and none has arrived since: the deadline's clock runs. Kept
     * here, with the keepalive's two below, so that a message costs stores in this object only.
     */
    private boolean deadlineWatching;
    /** A whole message or control frame arrived since the keepalive's last tick. */
    private boolean heardSinceTick;
    /** Bytes read since the keepalive's last tick. */
    private long bytesSinceTick;
    private boolean closeSent;
    private boolean closeReceived;
    private boolean endpointClosed;
    /** True while {@link #onRead} runs: the connection flushes after the read batch. */
    private boolean reading;
    /** A flush task is queued for sends made outside a read. */
    private boolean flushScheduled;
    private final Runnable flushTask = this::flushNow;
    // Whether the socket is read, for two reasons that hold independently: the endpoint paused its
    // input or the outbound queue is over the high water mark. While the endpoint has paused, the
    // rest of the read it paused in is kept (ownership and all), to be decoded when it resumes.
    // Fields of the handler, not an object of their own, because every read tests them.
    private boolean endpointPaused;
    private boolean notWritable;
    /** The rest of a read, kept while the endpoint has paused; null when none. */
    private ByteBuf held;
    private int closeCode = WebSocketCloseCodes.ABNORMAL;
    private String closeReason = "";

    /**
     * @param subprotocol the subprotocol the handshake agreed, or null
     */
    public WebSocketHandler(WebSocketEndpoint endpoint, WebSocketSettings settings, String subprotocol) {
        this(endpoint, settings, subprotocol, WebSocketMeters.none());
    }

    /**
     * @param subprotocol the subprotocol the handshake agreed, or null
     * @param meters the listener's WebSocket meters
     */
    public WebSocketHandler(WebSocketEndpoint endpoint, WebSocketSettings settings, String subprotocol, WebSocketMeters meters) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.subprotocol = subprotocol;
        this.meters = meters;
    }

    @Override
    public void onOpen(Connection connection) {
        this.connection = connection;
        this.counts = meters.cells(); // on the loop thread: its cells
        this.assembler = new MessageAssembler(connection.alloc(), settings.maxMessageBytes(), this);
        meters.opened();
        keepalive = new Keepalive(connection.loop(), settings.pingInterval(), () -> connection.isOpen() && !closeSent,
                new Keepalive.Activity() {
                    @Override
                    public boolean takeHeard() {
                        boolean heard = heardSinceTick;
                        heardSinceTick = false;
                        return heard;
                    }

                    @Override
                    public long takeBytes() {
                        long bytes = bytesSinceTick;
                        bytesSinceTick = 0;
                        return bytes;
                    }
                },
                () -> send(FrameEncoder.control(connection.alloc(), Opcodes.PING, new byte[0], 0)),
                reason -> close(WebSocketCloseCodes.GOING_AWAY, reason));
        keepalive.start();
        deadline = new MessageDeadline(connection.loop(), settings.messageTimeout(), () -> deadlineWatching && assembler.assembling(),
                () -> close(WebSocketCloseCodes.POLICY_VIOLATION, MessageDeadline.REASON));
        endpoint.onOpen(this);
    }

    @Override
    public void onRead(Connection connection, ByteBuf data) {
        int n = data.readableBytes();
        bytesSinceTick += n;
        counts.bytesIn(n);
        if (!keepIfHolding(data)) { // a read while a pause was being asked for goes behind
            decode(data);
        }
    }

    /**
     * Decodes {@code data} (owned) until it ends or the endpoint pauses; then keeps the rest. A
     * message that is the rest of {@code data} is delivered in it ({@link MessageAssembler#lend}):
     * then the endpoint owns {@code data}, and it is neither kept nor released here.
     */
    private void decode(ByteBuf data) {
        boolean keep = false;
        try {
            if (!connection.isOpen() || (closeSent && closeReceived)) {
                return;
            }
            reading = true;
            if (!endpointPaused) {
                assembler.lend(data);
                decoder.decode(data, assembler);
                if (!deadlineWatching && assembler.assembling()) {
                    deadlineWatching = true;
                    deadline.watch();
                }
            }
            keep = !assembler.tookInput() && keepRest(data);
        } catch (WebSocketProtocolException e) {
            fail(e.closeCode(), e.getMessage());
        } finally {
            reading = false;
            boolean taken = assembler.tookInput(); // then whoever took it releases it, even if we failed
            assembler.lend(null);
            if (!keep && !taken) {
                data.release();
            }
        }
    }

    /** Keeps {@code data} (owned) behind what is kept already, if a read comes while some is. */
    private boolean keepIfHolding(ByteBuf data) {
        if (held == null) {
            return false;
        }
        ByteBuf both = connection.alloc().buffer(held.readableBytes() + data.readableBytes());
        both.writeBytes(held).writeBytes(data);
        held.release();
        data.release();
        held = both;
        return true;
    }

    /** After decoding stopped: keeps the rest of {@code data} if the endpoint paused; whether it did. */
    private boolean keepRest(ByteBuf data) {
        if (!endpointPaused || !data.isReadable() || !connection.isOpen()) {
            return false;
        }
        held = data;
        return true;
    }

    /** What was kept (owned by the caller now), or null. */
    private ByteBuf takeHeld() {
        ByteBuf rest = held;
        held = null;
        return rest;
    }

    private void releaseHeld() {
        ByteBuf rest = takeHeld();
        if (rest != null) {
            rest.release();
        }
    }

    /** Reads the socket again unless a reason to pause still holds. */
    private void readOn() {
        if (!endpointPaused && !notWritable && connection.isOpen()) {
            connection.resumeReading();
        }
    }

    @Override
    public void pauseReading() {
        decoder.stop();
        endpointPaused = true; // the socket is not read until the endpoint resumes
        connection.pauseReading();
    }

    @Override
    public void resumeReading() {
        if (endpointPaused) { // then what was kept is to be handed on
            endpointPaused = false;
            try {
                connection.loop().execute(this::resumeNow);
            } catch (RejectedExecutionException stopped) {
                releaseHeld(); // the loop is stopping: nothing more will be read
            }
        }
    }

    /** Hands on what was kept (its replies flushed at the end), then reads on unless paused again. */
    private void resumeNow() {
        if (endpointPaused) {
            return;
        }
        ByteBuf rest = takeHeld();
        if (rest != null) {
            decode(rest);
            connection.flush();
        }
        readOn();
    }

    private void fail(int code, String reason) {
        if (!closeSent) {
            sendClose(code, reason);
        }
        closeReceived = true; // nothing more is read: the connection is failing (section 7.1.7)
        connection.close();
    }

    private void sendClose(int code, String reason) {
        closeSent = true;
        closeCode = code;
        closeReason = reason;
        send(FrameEncoder.close(connection.alloc(), code, reason));
        if (!reading) {
            connection.flush(); // the last frame: out now, not after the loop's other tasks
        }
    }

    @Override
    public void onText(ByteBuf utf8) {
        deliver(utf8, true);
    }

    @Override
    public void onBinary(ByteBuf data) {
        deliver(data, false);
    }

    /**
     * Hands a whole message to the endpoint, remembering it as {@link #delivered} meanwhile; a
     * whole message proves the peer alive for the ping timer.
     */
    private void deliver(ByteBuf message, boolean text) {
        heardSinceTick = true;
        deadlineWatching = false;
        if (closeSent) {
            message.release();
            return;
        }
        counts.messageIn();
        delivered = message;
        try {
            if (text) {
                endpoint.onTextBytes(this, message);
            } else {
                endpoint.onBinary(this, message);
            }
        } finally {
            delivered = null;
        }
    }

    @Override
    public void onPing(byte[] payload, int length) {
        heardSinceTick = true;
        if (!closeSent) {
            send(FrameEncoder.control(connection.alloc(), Opcodes.PONG, payload, length));
        }
    }

    @Override
    public void onPong(byte[] payload, int length) {
        heardSinceTick = true;
        keepalive.pong();
    }

    @Override
    public void onClose(int code, String reason) {
        closeReceived = true;
        if (!closeSent) {
            sendClose(code, reason); // section 5.5.1: echo the status code received
        }
        connection.close();
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        notWritable = !writable;
        if (!writable) {
            connection.pauseReading();
        } else {
            readOn();
        }
        endpoint.onWritabilityChanged(this, writable);
    }

    /** Pings keep the connection busy, so the listener's idle timeout only ends a session we gave up on. */
    @Override
    public void onIdle(Connection connection) {
        close(WebSocketCloseCodes.GOING_AWAY, "idle");
    }

    @Override
    public void onShutdown(Connection connection) {
        close(WebSocketCloseCodes.GOING_AWAY, "server shutting down");
    }

    @Override
    public void onClose(Connection connection, Throwable cause) {
        keepalive.stop();
        cancel(closeTimer);
        deadlineWatching = false;
        if (deadline != null) {
            deadline.stop();
        }
        if (assembler != null) {
            assembler.release();
        }
        releaseHeld();
        if (!endpointClosed) {
            endpointClosed = true;
            int code = closeSent ? closeCode : WebSocketCloseCodes.ABNORMAL;
            meters.closed(code);
            endpoint.onClose(this, code, closeReason);
        }
    }

    /** Queues one encoded frame, counting its bytes; flushes it unless a read batch will. */
    private void send(ByteBuf frame) {
        counts.bytesOut(frame.readableBytes());
        writeLast(frame);
    }

    /** The last write of a send: inside {@link #onRead} the batch's end flushes, elsewhere a task. */
    private void writeLast(ByteBuf buf) {
        connection.write(buf);
        if (!reading && !flushScheduled) {
            flushScheduled = true;
            try {
                connection.loop().execute(flushTask);
            } catch (RejectedExecutionException stopped) {
                flushNow();
            }
        }
    }

    private void flushNow() {
        flushScheduled = false;
        connection.flush();
    }

    private static void cancel(EventLoop.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    // WebSocketSession

    @Override
    public long id() {
        return connection.id();
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public void sendText(CharSequence text) {
        if (isOpen()) {
            counts.messageOut();
            send(FrameEncoder.text(connection.alloc(), text));
        }
    }

    @Override
    public void sendText(ByteBuf utf8) {
        sendPayload(Opcodes.TEXT, utf8);
    }

    @Override
    public void sendBinary(ByteBuf data) {
        sendPayload(Opcodes.BINARY, data);
    }

    @Override
    public void send(WebSocketMessage message) {
        if (isOpen()) {
            counts.messageOut();
            send(message.retainedFrame());
        }
    }

    /**
     * One unfragmented data frame (a server does not mask): the message just delivered with its
     * header written in front, a small payload copied behind its header, or a header buffer and the
     * payload as it is.
     */
    private void sendPayload(int opcode, ByteBuf payload) {
        if (!isOpen()) {
            payload.release();
            return;
        }
        counts.messageOut();
        if (payload == delivered && FrameEncoder.prependHeader(payload, opcode)) {
            delivered = null; // it is the frame now; a second send of the same buffer takes another path
            send(payload);
        } else if (payload.readableBytes() <= COPY_MAX_PAYLOAD) {
            ByteBuf frame = FrameEncoder.copiedFrame(connection.alloc(), opcode, payload);
            payload.release();
            send(frame);
        } else {
            ByteBuf header = FrameEncoder.header(connection.alloc(), opcode, payload);
            counts.bytesOut(header.readableBytes() + payload.readableBytes());
            connection.write(header);
            writeLast(payload);
        }
    }

    @Override
    public long pendingWriteBytes() {
        return connection.pendingWriteBytes();
    }

    @Override
    public EventLoop loop() {
        return connection.loop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return connection.alloc();
    }

    @Override
    public void abort() {
        connection.abort();
    }

    @Override
    public boolean isWritable() {
        return connection.isWritable();
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen() && !closeSent && !closeReceived;
    }

    @Override
    public void close(int code, String reason) {
        if (!WebSocketCloseCodes.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        if (closeSent || !connection.isOpen()) {
            return;
        }
        sendClose(code, reason);
        closeTimer = connection.loop().schedule(connection::abort, settings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
}
