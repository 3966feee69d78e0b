package io.jselectors.protocol.http.client;

import io.jselectors.posix.Errno;
import io.jselectors.posix.Libc;
import io.jselectors.posix.socket.SocketOption;
import io.jselectors.posix.socket.SocketOptions;
import io.jselectors.posix.socket.Sockets;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import io.jselectors.protocol.http.client.ClientConnection.State;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Fetches many {@code http://} and {@code https://} URLs concurrently on the calling thread, with
 * one {@link Selector}: the classic selectors client. Each new connection starts with a
 * non-blocking connect watched for WRITE; once connected (and, for https, once its TLS handshake is
 * through, see {@link TlsChannel}) it sends its GET, then watches for READ and feeds what arrives to
 * a {@link ResponseParser}. A response that leaves the connection reusable (HTTP/1.1 keep-alive,
 * body framed by length or chunks) parks it as idle for the next fetch to the same origin (scheme,
 * host and port). Which https servers are trusted is {@link FetchOptions#trust()}.
 *
 * {@snippet :
 * try (FetchClient client = new FetchClient(FetchOptions.of(10, 1, Duration.ofSeconds(5)))) {
 *     for (FetchResult r : client.run(List.of("http://127.0.0.1:8080/hello"), r -> {})) {
 *         System.out.println(r.status() + " " + r.bodyBytes());
 *     }
 * }
 * }
 *
 * <p>Host names are resolved before the loop starts, all at once on helper threads (see {@link
 * HostResolver}): Java's resolver blocks, and the loop never does. At most {@code concurrency}
 * fetches are in flight and at most that many connections are open; an idle connection is closed
 * to make room for a new host. A kept-alive connection that the server closed before answering is
 * retried once on a new connection (GET is idempotent). Each fetch has a deadline from its start.
 *
 * <p>Not thread-safe: one run at a time, on one thread.
 */
public final class FetchClient implements AutoCloseable {

    private final FetchOptions options;
    private final Selector selector;
    private final Arena arena = Arena.ofConfined();
    private final SocketIo io = new SocketIo(arena);
    /** Plaintext as read (http) or decrypted (https), handed to the parser; heap, so the parser reads it in place. */
    private final ByteBuffer plain = ByteBuffer.allocate(SocketIo.CHUNK);
    private final ClientTls tls;
    private final long timeoutNanos;

    private final ArrayDeque<Fetch> pending = new ArrayDeque<>();
    private final ConnectionPool pool;
    private final List<FetchResult> results = new ArrayList<>();
    private Consumer<FetchResult> listener = r -> { };
    private int inFlight;
    private int connectionsOpened;
    private int reuses;

    /**
     * Opens the selector, and reads the CA files of {@link FetchOptions#trust()} if any.
     *
     * @throws IllegalArgumentException a CA file that cannot be read or holds no certificate
     */
    public FetchClient(FetchOptions options) throws IOException {
        this.options = options;
        this.timeoutNanos = options.timeout().toNanos();
        this.tls = new ClientTls(options.trust());
        this.selector = options.selector() == null ? Selector.open() : Selector.open(options.selector());
        this.pool = new ConnectionPool(selector, io);
    }

    /** The selector backend in use. */
    public String selectorName() {
        return selector.name();
    }

    /** Connections opened during the last run. */
    public int connectionsOpened() {
        return connectionsOpened;
    }

    /** Requests sent over a kept-alive connection during the last run. */
    public int reuses() {
        return reuses;
    }

    /**
     * Fetches every URL {@code repeats} times and returns the results in the order they finished,
     * each also handed to {@code listener} as it finishes (on this thread). Bounded: every fetch
     * ends by its deadline.
     */
    public List<FetchResult> run(List<String> urls, Consumer<FetchResult> listener) throws IOException {
        this.listener = listener;
        results.clear();
        connectionsOpened = 0;
        reuses = 0;
        pending.addAll(Fetch.plan(urls, options.repeats(), options.timeout()));
        while (!pending.isEmpty() || inFlight > 0) {
            while (inFlight < options.concurrency() && !pending.isEmpty()) {
                start(pending.poll());
            }
            if (inFlight == 0) {
                continue;
            }
            long next = pool.nextDeadline();
            selector.selectNanos(next == Long.MAX_VALUE ? Selector.INFINITE : Math.max(0, next - System.nanoTime()), this::onReady);
            expire(System.nanoTime());
        }
        pool.closeAll();
        return List.copyOf(results);
    }

    private void start(Fetch fetch) {
        inFlight++;
        fetch.start(System.nanoTime(), timeoutNanos);
        if (fetch.error != null) {
            finish(fetch, fetch.error);
            return;
        }
        ClientConnection c = pool.takeIdle(fetch.url.origin());
        if (c != null) {
            reuses++;
            assign(c, fetch);
            sendRequest(c);
            return;
        }
        if (pool.size() >= options.concurrency()) {
            // Fewer than `concurrency` fetches are busy, so one of the open connections is idle.
            pool.closeOneIdle();
        }
        connect(fetch);
    }

    /** Starts a connection to the fetch's next address; on immediate failure tries the one after. */
    private void connect(Fetch fetch) {
        String lastError = null;
        while (fetch.nextAddress < fetch.addresses.size()) {
            InetSocketAddress remote = new InetSocketAddress(fetch.addresses.get(fetch.nextAddress++), fetch.url.port());
            TlsChannel channel;
            try {
                channel = fetch.url.secure() ? new TlsChannel(tls.newEngine(fetch.url.host(), fetch.url.port()),
                        fetch.url.host() + ":" + fetch.url.port()) : null;
            } catch (GeneralSecurityException | SSLException e) {
                finish(fetch, "TLS set-up for " + fetch.url.host() + ": " + ClientTls.oneLine(e.getMessage()));
                return;
            }
            try {
                int fd = Sockets.connect(remote);
                ClientConnection c = new ClientConnection(fd, fetch.url.origin(), remote, options.keepBodyBytes(), channel);
                pool.add(c);
                connectionsOpened++;
                assign(c, fetch);
                c.state = State.CONNECTING;
                watch(c, Selector.EVENT_WRITE);
                return;
            } catch (IOException e) {
                lastError = "connect to " + ClientConnection.text(remote) + ": " + ClientConnection.reason(e);
            }
        }
        finish(fetch, lastError == null ? "no address to connect to" : lastError);
    }

    private void assign(ClientConnection c, Fetch fetch) {
        c.fetch = fetch;
        c.request = fetch.url.request();
        c.out = null;
        c.requests++;
        c.parser.reset();
        c.state = State.SENDING;
    }

    private void onReady(SelectorKey key, int events) {
        ClientConnection c = (ClientConnection) key.data();
        switch (c.state) {
            case CONNECTING -> finishConnect(c);
            case HANDSHAKING -> handshake(c);
            case SENDING -> sendRequest(c);
            case RECEIVING -> receive(c);
            case IDLE -> idleReadable(c);
            case CLOSED -> { }
        }
    }

    private void finishConnect(ClientConnection c) {
        try {
            Sockets.finishConnect(c.fd);
            SocketOptions.set(c.fd, SocketOption.TCP_NODELAY, 1);
        } catch (IOException e) {
            Fetch fetch = c.fetch;
            pool.close(c);
            if (fetch.nextAddress < fetch.addresses.size()) {
                connect(fetch); // e.g. localhost: ::1 refused, 127.0.0.1 may listen
            } else {
                finish(fetch, "connect to " + ClientConnection.text(c.remote) + ": " + ClientConnection.reason(e));
            }
            return;
        }
        if (c.tls != null) {
            c.state = State.HANDSHAKING;
            handshake(c);
            return;
        }
        c.state = State.SENDING;
        sendRequest(c);
    }

    private void handshake(ClientConnection c) {
        TlsChannel.Step step;
        try {
            step = c.tls.handshake(io, c.fd, plain.clear());
        } catch (IOException e) {
            c.tls.sendAlert(io, c.fd);
            fail(c, c.tls.describe(e));
            return;
        }
        switch (step) {
            case READ -> watch(c, Selector.EVENT_READ);
            case WRITE -> watch(c, Selector.EVENT_WRITE);
            case DONE -> {
                c.state = State.SENDING;
                sendRequest(c);
            }
        }
    }

    private void sendRequest(ClientConnection c) {
        if (c.out == null) {
            try {
                c.out = c.tls == null ? ByteBuffer.wrap(c.request) : c.tls.wrapRequest(c.request);
            } catch (SSLException e) {
                fail(c, "TLS: " + ClientTls.oneLine(e.getMessage()));
                return;
            }
        }
        long n = io.send(c.fd, c.out);
        if (n == -Errno.EAGAIN) {
            watch(c, Selector.EVENT_WRITE);
            return;
        }
        if (n < 0) {
            failOrRetry(c, "send: " + Errno.name((int) -n) + " (" + Libc.strerror((int) -n) + ")");
            return;
        }
        if (c.out.hasRemaining()) {
            watch(c, Selector.EVENT_WRITE);
            return;
        }
        c.state = State.RECEIVING;
        watch(c, Selector.EVENT_READ);
    }

    /** recv for http; for https the same, decrypted (records that carry no data read as EAGAIN). */
    private long read(ClientConnection c) throws IOException {
        plain.clear();
        return c.tls == null ? io.recv(c.fd, plain) : c.tls.read(io, c.fd, plain);
    }

    private void receive(ClientConnection c) {
        long n;
        try {
            n = read(c);
        } catch (IOException e) {
            fail(c, "TLS: " + ClientTls.oneLine(e.getMessage()));
            return;
        }
        if (n == -Errno.EAGAIN) {
            return;
        }
        if (n < 0) {
            failOrRetry(c, "recv: " + Errno.name((int) -n) + " (" + Libc.strerror((int) -n) + ")");
            return;
        }
        ResponseParser p = c.parser;
        // https: the server's close_notify may come with the last data.
        boolean ended = n == 0 || (c.tls != null && c.tls.inboundDone());
        try {
            if (n > 0) {
                int used = p.feed(plain.array(), 0, (int) n);
                if (p.isDone()) {
                    // Bytes after the response answer nothing we asked: the connection cannot be trusted.
                    complete(c, used == n && p.keepAlive() && !ended);
                    return;
                }
            }
            if (ended) {
                p.endOfStream();
                complete(c, false);
            }
        } catch (ResponseParser.MalformedResponseException e) {
            if (n == 0) {
                failOrRetry(c, e.getMessage());
            } else {
                fail(c, "bad response: " + e.getMessage());
            }
        }
    }

    private void complete(ClientConnection c, boolean keepAlive) {
        Fetch fetch = c.fetch;
        ResponseParser p = c.parser;
        FetchResult result = result(fetch, p.status(), p.bodyBytes(), c.reused(), null, p.body());
        if (keepAlive) {
            pool.park(c);
        } else {
            pool.close(c);
        }
        report(result);
    }

    /**
     * An idle connection became readable: the server closed it, or sent what nobody asked for. Over
     * TLS it may also be a message with no data (a session ticket), after which it stays idle.
     */
    private void idleReadable(ClientConnection c) {
        if (c.tls != null) {
            try {
                if (read(c) == -Errno.EAGAIN) {
                    return;
                }
            } catch (IOException e) {
                // Closed below.
            }
        }
        pool.close(c);
    }

    /**
     * A kept-alive connection failed before any byte of the answer: the server most likely closed
     * it while it sat idle, a race every HTTP/1.1 client has. Retry once on a new connection.
     */
    private void failOrRetry(ClientConnection c, String why) {
        Fetch fetch = c.fetch;
        if (c.reused() && !c.parser.started() && fetch.retries == 0) {
            fetch.retries++;
            fetch.nextAddress = 0;
            pool.close(c);
            inFlight--;
            pending.addFirst(fetch);
            return;
        }
        fail(c, why);
    }

    private void fail(ClientConnection c, String why) {
        Fetch fetch = c.fetch;
        ResponseParser p = c.parser;
        pool.close(c);
        report(result(fetch, 0, p.bodyBytes(), c.reused(), why, p.body()));
    }

    /** Ends a fetch that never got a connection. */
    private void finish(Fetch fetch, String error) {
        report(result(fetch, 0, 0, false, error, new byte[0]));
    }

    private FetchResult result(Fetch fetch, int status, long bodyBytes, boolean reused, String error, byte[] body) {
        return new FetchResult(fetch.text, fetch.repeat, status, bodyBytes, System.nanoTime() - fetch.startNanos, reused,
                error, body);
    }

    private void report(FetchResult result) {
        inFlight--;
        results.add(result);
        listener.accept(result);
    }

    private void expire(long now) {
        for (ClientConnection c : pool.snapshot()) {
            if (c.fetch != null && now - c.fetch.deadlineNanos >= 0) {
                fail(c, "timed out after " + options.timeout().toMillis() + " ms " + c.doing());
            }
        }
    }

    private void watch(ClientConnection c, int events) {
        try {
            pool.watch(c, events);
        } catch (IOException e) {
            fail(c, "selector: " + e.getMessage());
        }
    }

    /** Closes any connection still open, the selector and the native memory. */
    @Override
    public void close() throws IOException {
        try {
            pool.closeAll();
            selector.close();
        } finally {
            arena.close();
        }
    }
}
