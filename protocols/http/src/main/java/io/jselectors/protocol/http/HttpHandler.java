package io.jselectors.protocol.http;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.protocol.http.ResponseEncoder.ConnectionField;
import io.jselectors.protocol.websocket.HandshakeResult;
import io.jselectors.protocol.websocket.WebSocketRoute;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP connection: feeds input to the {@link RequestDecoder}, answers each request in order
 * as soon as it is complete, and collects the answers of one read into one output buffer.
 *
 * <p>Pipelining needs no queue of requests: a request is answered before the next one is parsed,
 * so answers leave in request order. Parsing stops while a file is streaming or the connection is
 * not writable (the client sends requests without reading the answers); the unparsed input then
 * waits, and above {@link HttpLimits#MAX_BUFFERED_INPUT} reading pauses, leaving the rest to the
 * kernel and TCP flow control. The header and body timeouts are {@link RequestTimeouts}'; the
 * WebSocket handshake's HTTP side is {@link WebSocketUpgrade}'s. The route of the last path is
 * remembered in the fields it inherits from {@link HttpRoutes.Lookup}.
 */
final class HttpHandler extends HttpRoutes.Lookup implements ProtocolHandler, RequestTimeouts.Owner {

    private final HttpListenerState state;
    private Connection connection;
    private EventLoop loop;
    private RequestDecoder decoder;
    private DateCache date;
    /** The loop's output buffer, reused while nobody holds it. */
    private OutputSpare outputSpare;
    /** The listener's meters as this connection's loop counts them. */
    private HttpMeters.Local meters;

    /** Unparsed input, or {@code null}. */
    private ByteBuf in;
    /** Whether {@link #in} is this handler's own copy (else it is the buffer the server read into). */
    private boolean ownsIn;
    private ByteBuf out;
    private FileStreamer streaming;
    /** A response said {@code Connection: close}: nothing more is parsed, and the connection closes after it. */
    private boolean closing;
    private boolean inputClosed;
    private boolean shuttingDown;
    /** The connection went to a WebSocket session: this handler gets no further call. */
    private boolean switched;
    private long requestStart = -1;
    /**
     * The header and body timers, made when a request first arrives in parts or with a body: a
     * connection whose requests each arrive whole in one read (most keep-alive clients) never
     * needs one, and a request then does not touch a further object (bench/PROFILE.md, eighth pass).
     */
    private RequestTimeouts timeouts;

    HttpHandler(HttpListenerState state) {
        super(state.routes());
        this.state = state;
    }

    @Override
    public void onOpen(Connection c) {
        connection = c;
        loop = c.loop();
        decoder = new RequestDecoder(c.alloc(), state.maxBody());
        date = state.dateCache(loop);
        outputSpare = state.outputSpare(loop);
        outputSpare.opened();
        meters = state.meters().local();
    }

    @Override
    public void onRead(Connection c, ByteBuf data) {
        if (closing) {
            data.release();
            return;
        }
        if (timeouts != null) {
            timeouts.bytesRead();
        }
        append(data);
        process();
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        if (!writable) {
            return; // parsing checks writability before each request
        }
        if (streaming != null && !stream()) {
            return;
        }
        process();
        c.flush(); // not the end of a read batch: nobody else flushes
    }

    @Override
    public void onInputClosed(Connection c) {
        inputClosed = true;
        process();
    }

    @Override
    public void onShutdown(Connection c) {
        shuttingDown = true;
        process();
        if (!closing && streaming == null && decoder.betweenRequests() && (in == null || !in.isReadable())) {
            c.close();
        }
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        if (in != null) {
            in.release();
            in = null;
        }
        if (out != null) {
            out.release();
            out = null;
        }
        if (streaming != null) {
            streaming.close();
            streaming = null;
        }
        stopTimersAndDecoder();
        outputSpare.closed();
    }

    /** Cancels the header and body timers and releases the decoder (closing, or switching protocols). */
    private void stopTimersAndDecoder() {
        if (timeouts != null) {
            timeouts.cancel();
        }
        decoder.release();
    }

    /** Answers every complete request that can be answered now, then decides on reading and timers. */
    private void process() {
        while (!closing && streaming == null && in != null && in.isReadable() && connection.isWritable()) {
            if (requestStart < 0) {
                // When the loop woke for these bytes: a field load, where a clock read cost as
                // much as parsing /hello (bench/PROFILE.md); the answer's end is read for real.
                requestStart = loop.turnNanos();
            }
            int result = decoder.decode(in);
            if (result == RequestDecoder.NEED_MORE) {
                break;
            } else if (result == RequestDecoder.HEADERS_DONE) {
                timeouts().bodyStarted();
                if (decoder.head().expectContinue()) {
                    output(ResponseEncoder.CONTINUE.length).writeBytes(ResponseEncoder.CONTINUE);
                    flushOutput(); // the client waits for it before sending the body
                }
            } else if (result == RequestDecoder.REQUEST_DONE) {
                answer(decoder.request());
                if (switched) {
                    return;
                }
            } else {
                reject(decoder.errorStatus(), String.valueOf(decoder.errorStatus()));
            }
        }
        if (in != null && !in.isReadable()) {
            releaseInput();
        }
        queueOutput();
        boolean suspended = streaming != null || !connection.isWritable();
        if (closing) {
            if (streaming == null) {
                connection.close(); // after what is queued
            }
            return;
        }
        if (inputClosed && !suspended) {
            connection.close(); // what is left can only be an unfinished request
            return;
        }
        if (suspended && in != null && in.readableBytes() >= HttpLimits.MAX_BUFFERED_INPUT) {
            connection.pauseReading();
        } else if (!suspended && connection.isReadingPaused()) {
            connection.resumeReading();
        }
        keepInput();
        if (!suspended && decoder.inHead(in)) {
            timeouts().armHeader();
        } else if (decoder.betweenRequests() && in == null) {
            requestStart = -1;
        }
        if (!decoder.inBody()) {
            if (timeouts != null) {
                timeouts.bodyEnded();
            }
        } else if (!suspended) {
            timeouts().armBody();
        }
    }

    /** The timers, made at the first request that needs one. */
    private RequestTimeouts timeouts() {
        if (timeouts == null) {
            timeouts = new RequestTimeouts(loop, state, this);
        }
        return timeouts;
    }

    private void answer(HttpRequest request) {
        lookUp(request.path());
        WebSocketRoute webSocket = webSocketRoute();
        if (webSocket != null && WebSocketUpgrade.wanted(request, webSocket, routeEntry() != null)) {
            upgrade(request, webSocket);
            return;
        }
        boolean keepAlive = decoder.head().keepAlive() && !shuttingDown && !inputClosed;
        HttpResponse response = state.routes().answer(request, routeEntry(), state.staticFiles());
        boolean headRequest = request.method().equals("HEAD");
        FileStreamer file = null;
        if (response.file() != null && !headRequest) {
            HttpResponse.FileBody body = response.file();
            try {
                file = FileStreamer.open(body.path(), body.offset(), body.length());
            } catch (IOException e) {
                response = HttpResponse.text(404, "404 Not Found\n");
            }
        }
        ConnectionField connectionField = !keepAlive ? ConnectionField.CLOSE
                : request.version() == 10 ? ConnectionField.KEEP_ALIVE : ConnectionField.NONE;
        write(response, connectionField, headRequest);
        if (state.accessLog() != null) {
            long nanos = loop.nanoTime() - requestStart; // the log line needs it now
            meters.answered(request.method(), response.status(), nanos);
            state.accessLog().answered(connection.remoteAddress(), request.method(), request.target(), request.version(),
                    response.status(), nanos);
        } else {
            meters.answered(request.method(), response.status(), requestStart, loop); // ends when queueOutput queues it
        }
        requestStart = -1;
        request.clear();
        closing = !keepAlive;
        if (file != null) {
            streaming = file;
            queueOutput();
            stream();
        }
    }

    /**
     * Answers a request on a WebSocket path: 101 and a switch to the session, or the handshake's
     * refusal followed by a close (the client asked for a protocol it will not get).
     */
    private void upgrade(HttpRequest request, WebSocketRoute route) {
        HandshakeResult result = WebSocketUpgrade.handshake(request, route);
        long elapsed = loop.nanoTime() - requestStart;
        requestStart = -1;
        state.webSocketMeters().upgrade(result instanceof HandshakeResult.Accepted);
        if (result instanceof HandshakeResult.Refused refused) {
            HttpResponse response = WebSocketUpgrade.refusal(refused);
            write(response, ConnectionField.CLOSE, request.method().equals("HEAD"));
            meters.answered(request.method(), refused.status(), elapsed);
            request.clear();
            closing = true;
            return;
        }
        HandshakeResult.Accepted accepted = (HandshakeResult.Accepted) result;
        byte[] head = accepted.toHttpResponse().getBytes(StandardCharsets.US_ASCII);
        output(head.length).writeBytes(head);
        queueOutput();
        meters.answered(request.method(), 101, elapsed);
        request.clear();
        // Everything this handler holds goes now: after the switch it gets no call, not even onClose.
        ByteBuf rest = in != null && in.isReadable() ? in : null;
        if (rest == null) {
            releaseInput();
        }
        in = null;
        stopTimersAndDecoder();
        outputSpare.closed();
        switched = true;
        connection.switchHandler(route.newHandler(accepted, state.webSocketMeters()), rest);
    }

    /** Answers a request the decoder refused (or that timed out), then closes: the input can no longer be trusted. */
    private void reject(int status, String reason) {
        HttpResponse response = HttpResponse.text(status, status + " " + HttpStatus.reason(status) + "\n");
        write(response, ConnectionField.CLOSE, false);
        String method = decoder.method() != null ? decoder.method() : "OTHER";
        state.meters().rejected(reason);
        meters.answered(method, status, requestStart < 0 ? 0 : loop.nanoTime() - requestStart);
        closing = true;
        releaseInput();
    }

    private void write(HttpResponse response, ConnectionField connectionField, boolean headRequest) {
        byte[] dateLine = date.line();
        byte[] whole = date.repeated(response, dateLine, connectionField, headRequest);
        if (whole != null) {
            output(whole.length).writeBytes(whole); // the same answer as the last one: one copy
            return;
        }
        byte[] head = response.head();
        ByteBuf buffer = output(ResponseEncoder.maxSize(response, dateLine, headRequest));
        ResponseEncoder.write(buffer, head, response, dateLine, connectionField, headRequest);
    }

    /** Sends more of the file being streamed; returns whether it is complete. */
    private boolean stream() {
        boolean done;
        try {
            done = streaming.resume(connection);
        } catch (IOException e) {
            connection.abort(); // the length is promised: a short body must not look complete
            return false;
        }
        if (done) {
            streaming.close();
            streaming = null;
        }
        return done;
    }

    // ---- what the timeouts ask ----

    @Override
    public boolean waitingForHead() {
        return connection.isOpen() && !closing && streaming == null && connection.isWritable() && decoder.inHead(in);
    }

    @Override
    public boolean waitingForBody() {
        return connection.isOpen() && !closing && streaming == null && connection.isWritable();
    }

    @Override
    public long requestStart() {
        return requestStart;
    }

    @Override
    public long bodyReceived() {
        return decoder.bodyReceived();
    }

    @Override
    public void timedOut(boolean inBody) {
        if (inBody) {
            decoder.release();
        }
        reject(408, HttpMeters.TIMEOUT);
        queueOutput();
        connection.close();
    }

    // ---- buffers ----

    private void append(ByteBuf data) {
        if (in == null) {
            in = data;
            ownsIn = false;
            return;
        }
        if (!ownsIn) {
            copyInput(in.readableBytes() + data.readableBytes());
        }
        in.discardSomeReadBytes();
        in.writeBytes(data);
        data.release();
    }

    /** Leaves nothing of the server's read buffer pinned by a partial request: what is left is copied. */
    private void keepInput() {
        if (in != null && !ownsIn) {
            copyInput(Math.max(in.readableBytes() * 2, 256));
        }
    }

    private void copyInput(int capacity) {
        ByteBuf copy = connection.alloc().buffer(capacity);
        copy.writeBytes(in);
        in.release();
        in = copy;
        ownsIn = true;
    }

    private void releaseInput() {
        if (in != null) {
            in.release();
            in = null;
        }
    }

    /** The output buffer, with room for {@code bytes} more. */
    private ByteBuf output(int bytes) {
        if (out != null && out.writableBytes() < bytes) {
            queueOutput();
        }
        if (out == null) {
            out = outputSpare.take(connection.alloc(), bytes);
        }
        return out;
    }

    /** Hands the collected answers to the connection (the server flushes at the end of the read). */
    private void queueOutput() {
        if (meters.hasPending()) {
            meters.queued(loop.nanoTime()); // the answers in out are queued now: one clock reading for all
        }
        if (out != null) {
            if (out.isReadable()) {
                connection.write(out);
            } else {
                out.release();
            }
            out = null;
        }
    }

    private void flushOutput() {
        queueOutput();
        connection.flush();
    }
}
