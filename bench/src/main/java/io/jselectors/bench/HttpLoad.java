package io.jselectors.bench;

import io.jselectors.posix.Errno;
import io.jselectors.posix.socket.Sockets;
import io.jselectors.selector.Selector;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A closed-loop HTTP/1.1 load generator on our own {@link Selector}, {@link EchoLoad}'s HTTP
 * twin: keep-alive connections, each opened with a non-blocking connect watched for WRITE, then
 * sending GETs and reading responses. Every connection keeps {@code depth} requests in flight
 * (pipelined when above 1): it may have sent at most {@code (responses + depth)} requests. Each
 * response is checked ({@link ResponseChecker}): HTTP/1.x, Content-Length framing, and for status
 * 200 exactly the expected body. A connection that gets a bad response, an error or a close is
 * counted as an error and closed; responses with another status are counted as {@code non2xx}.
 *
 * <p>One thread, one selector; the hot path allocates nothing (native buffers from one arena,
 * one heap copy buffer for parsing, select with a consumer).
 *
 * {@snippet lang=sh :
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/jselectors-bench.jar \
 *     io.jselectors.bench.HttpLoad -c 100 -d 16 --path /hello -t 10 -p 9001
 * }
 */
public final class HttpLoad extends LoadLoop<HttpConnection> {

    /** Bytes per read call, and the size of the read buffers. */
    static final int READ_CHUNK = 64 * 1024;

    private final HttpLoadOptions options;
    private final MemorySegment readBuffer = arena.allocate(READ_CHUNK);
    private final byte[] heapChunk = new byte[READ_CHUNK];
    /** The request repeated depth + 1 times, so any run of up to depth requests from any phase is contiguous. */
    private final MemorySegment requests;
    private final int requestLength;
    private final byte[] expectedBody;

    /** Opens the selector and lays out the requests; connections are opened by {@link #run()}. */
    public HttpLoad(HttpLoadOptions options) throws IOException {
        super(options.selector(), options.address(), new HttpConnection[options.connections()]);
        this.options = options;
        byte[] request = options.request();
        this.requestLength = request.length;
        this.requests = arena.allocate((long) request.length * (options.depth() + 1));
        for (int i = 0; i <= options.depth(); i++) {
            MemorySegment.copy(request, 0, requests, ValueLayout.JAVA_BYTE, (long) i * request.length, request.length);
        }
        this.expectedBody = options.body() == null ? null : options.body().getBytes(StandardCharsets.UTF_8);
    }

    /** What one run measured. */
    public record Result(
            HttpLoadOptions options, String selector, double seconds, long responses, long bytes, long non200,
            long errors, long mismatches, int alive, String firstError, ProcStats.ServerUsage server) implements LoadLoop.Outcome {

        /** Complete responses per second. */
        public double responsesPerSecond() {
            return seconds > 0 ? responses / seconds : 0;
        }

        /** Response bytes (heads and bodies) received per second, in MiB, as wrk counts. */
        public double mibPerSecond() {
            return seconds > 0 ? bytes / seconds / (1024.0 * 1024.0) : 0;
        }

        /** For people: the rates and what went wrong. */
        @Override
        public String summary() {
            return String.format(Locale.ROOT,
                    "HttpLoad on %s: %d connections x %d in flight, GET %s for %.2f s: %,.0f responses/s, %.2f MiB/s, "
                            + "%d non-200, %d errors (%d body mismatches), %d connections alive%s",
                    selector, options.connections(), options.depth(), options.path(), seconds, responsesPerSecond(),
                    mibPerSecond(), non200, errors, mismatches, alive, firstError == null ? "" : "; first error: " + firstError);
        }

        /** For scripts: one {@code key=value} line with the keys run.sh reads from wrk ({@code rps}, {@code non2xx}). */
        @Override
        public String line() {
            return String.format(Locale.ROOT,
                    "http_load conns=%d depth=%d seconds=%.2f responses=%d rps=%.1f MiB_per_s=%.2f errors=%d non2xx=%d "
                            + "mismatches=%d alive=%d selector=%s",
                    options.connections(), options.depth(), seconds, responses, responsesPerSecond(), mibPerSecond(), errors,
                    non200, mismatches, alive, selector) + (server == null ? "" : " " + server.fields());
        }

        /** No connection failed, every response was a 200 with the expected body. */
        @Override
        public boolean clean() {
            return errors == 0 && mismatches == 0 && non200 == 0;
        }
    }

    @Override
    HttpConnection newConnection(int index, int fd) {
        return new HttpConnection(index, fd, expectedBody);
    }

    /**
     * Connects, warms up, measures and returns the result. Bounded: at most the connect timeout,
     * the warm-up and the measured seconds.
     *
     * @throws IOException if a connection cannot be opened or connected
     */
    public Result run() throws IOException {
        connectAll();
        runUntil(System.nanoTime() + (long) (options.warmupSeconds() * 1e9));
        ProcStats.Snapshot serverBefore = options.serverPid() > 0 ? ProcStats.Snapshot.take(options.serverPid()) : null;
        long responsesBefore = total(true);
        long bytesBefore = total(false);
        long non200Before = non200Total();
        long start = System.nanoTime();
        long end = runUntil(start + (long) (options.seconds() * 1e9));
        long responses = total(true) - responsesBefore;
        ProcStats.ServerUsage server = serverBefore == null ? null
                : serverBefore.until(ProcStats.Snapshot.take(options.serverPid()), responses);
        return new Result(options, selector.name(), (end - start) / 1e9, responses, total(false) - bytesBefore,
                non200Total() - non200Before, errors, mismatches, alive(), firstError, server);
    }

    /** Sends until {@code depth} requests beyond the last complete response are out. */
    @Override
    void sendMore(HttpConnection c) {
        long target = (c.checker.responses() + options.depth()) * requestLength;
        while (c.sent < target) {
            long len = target - c.sent;
            // SAFETY: requests holds depth + 1 copies; the offset is below one request's length and
            // len is at most depth requests (sent never trails responses), so the run stays inside it.
            long n = Sockets.send(callState, c.fd, requests.address() + c.sent % requestLength, len);
            if (n < 0) {
                if (n == -Errno.EINTR) {
                    continue;
                }
                if (n == -Errno.EAGAIN) {
                    watchWrite(c, true);
                } else {
                    fail(c, "send: " + Errno.name((int) -n));
                }
                return;
            }
            c.sent += n;
        }
        watchWrite(c, false);
    }

    @Override
    void onReadable(HttpConnection c) {
        // SAFETY: readBuffer lives as long as this load's arena and is READ_CHUNK bytes long.
        long n = Sockets.recv(callState, c.fd, readBuffer.address(), READ_CHUNK);
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
            return;
        }
        if (n <= 0) {
            fail(c, n == 0 ? "closed by the server" : "recv: " + Errno.name((int) -n));
            return;
        }
        MemorySegment.copy(readBuffer, ValueLayout.JAVA_BYTE, 0, heapChunk, 0, (int) n);
        c.receivedBytes += n;
        if (!c.checker.consume(heapChunk, 0, (int) n)) {
            if (c.checker.mismatch()) {
                mismatches++;
            }
            fail(c, c.checker.error());
            return;
        }
        if (c.checker.responses() * requestLength > c.sent) {
            fail(c, "more responses than requests sent");
            return;
        }
        sendMore(c);
    }

    /** Responses ({@code true}) or bytes received ({@code false}) over all connections. */
    private long total(boolean responses) {
        long sum = 0;
        for (HttpConnection c : connections) {
            sum += responses ? c.checker.responses() : c.receivedBytes;
        }
        return sum;
    }

    private long non200Total() {
        long sum = 0;
        for (HttpConnection c : connections) {
            sum += c.checker.non200();
        }
        return sum;
    }

    /**
     * Runs one load; exit status 0 if it was clean, 1 if a connection failed or a response was not
     * a 200 with the expected body (the result is printed either way), 2 for bad arguments.
     */
    public static void main(String[] args) {
        LoadLoop.main("HttpLoad", HttpLoadOptions.USAGE, args, HttpLoadOptions::parse, options -> {
            try (HttpLoad load = new HttpLoad(options)) {
                return load.run();
            }
        });
    }
}
