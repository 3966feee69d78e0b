package io.jselectors.protocol.http.client;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.socket.SocketOption;
import io.jselectors.posix.socket.SocketOptions;
import io.jselectors.posix.socket.Sockets;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import io.jselectors.protocol.http.client.ClientConnection.State;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Fetches many {@code http://} URLs concurrently on the calling thread, with one {@link Selector}:
 * the classic selectors client. Each new connection starts with a non-blocking connect watched for
 * WRITE; once connected it sends its GET, then watches for READ and feeds what arrives to a {@link
 * ResponseParser}. A response that leaves the connection reusable (HTTP/1.1 keep-alive, body
 * framed by length or chunks) parks it as idle for the next fetch to the same host and port.
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

    /** Bytes read per recv: enough for a small response in one call. */
    static final int READ_CHUNK = 64 * 1024;

    /** Room for the largest request: the longest target plus the fixed header lines. */
    static final int MAX_REQUEST = FetchUrl.MAX_TARGET_LENGTH + 1024;

    private final FetchOptions options;
    private final Selector selector;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment callState = Native.newCallState(arena);
    private final MemorySegment readBuffer = arena.allocate(READ_CHUNK);
    private final MemorySegment writeBuffer = arena.allocate(MAX_REQUEST);
    private final byte[] heapChunk = new byte[READ_CHUNK];
    private final long timeoutNanos;

    private final ArrayDeque<Fetch> pending = new ArrayDeque<>();
    private final ConnectionPool pool;
    private final List<FetchResult> results = new ArrayList<>();
    private Consumer<FetchResult> listener = r -> { };
    private int inFlight;
    private int connectionsOpened;
    private int reuses;

    /** Opens the selector. */
    public FetchClient(FetchOptions options) throws IOException {
        this.options = options;
        this.timeoutNanos = options.timeout().toNanos();
        this.selector = options.selector() == null ? Selector.open() : Selector.open(options.selector());
        this.pool = new ConnectionPool(selector);
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
        plan(urls);
        while (!pending.isEmpty() || inFlight > 0) {
            while (inFlight < options.concurrency() && !pending.isEmpty()) {
                start(pending.poll());
            }
            if (inFlight == 0) {
                continue;
            }
            selector.selectNanos(Math.max(0, nextDeadline() - System.nanoTime()), this::onReady);
            expire(System.nanoTime());
        }
        pool.closeAll();
        return List.copyOf(results);
    }

    /** Parses the URLs, resolves their hosts, and queues the fetches: all URLs once, then again. */
    private void plan(List<String> urls) {
        List<Fetch> firstRound = new ArrayList<>();
        Set<String> hosts = new LinkedHashSet<>();
        for (String text : urls) {
            try {
                FetchUrl url = FetchUrl.parse(text);
                hosts.add(url.host());
                firstRound.add(new Fetch(text, url, 1, null));
            } catch (IllegalArgumentException e) {
                firstRound.add(new Fetch(text, null, 1, e.getMessage()));
            }
        }
        Map<String, HostResolver.Resolution> resolved = HostResolver.resolveAll(hosts, options.timeout());
        for (int repeat = 1; repeat <= options.repeats(); repeat++) {
            for (Fetch f : firstRound) {
                Fetch fetch = repeat == 1 ? f : new Fetch(f.text, f.url, repeat, f.error);
                if (fetch.url != null) {
                    HostResolver.Resolution r = resolved.get(fetch.url.host());
                    fetch.addresses = r.addresses();
                    fetch.error = r.error();
                }
                pending.add(fetch);
            }
        }
    }

    private void start(Fetch fetch) {
        inFlight++;
        fetch.start(System.nanoTime(), timeoutNanos);
        if (fetch.error != null) {
            finish(fetch, fetch.error);
            return;
        }
        ClientConnection c = pool.takeIdle(fetch.url.authority());
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
            try {
                int fd = Sockets.connect(remote);
                ClientConnection c = new ClientConnection(fd, fetch.url.authority(), remote, options.keepBodyBytes());
                pool.add(c);
                connectionsOpened++;
                assign(c, fetch);
                c.state = State.CONNECTING;
                watch(c, Selector.EVENT_WRITE);
                return;
            } catch (IOException e) {
                lastError = "connect to " + format(remote) + ": " + reason(e);
            }
        }
        finish(fetch, lastError == null ? "no address to connect to" : lastError);
    }

    private void assign(ClientConnection c, Fetch fetch) {
        c.fetch = fetch;
        c.request = fetch.url.request();
        c.sent = 0;
        c.requests++;
        c.parser.reset();
        c.state = State.SENDING;
    }

    private void onReady(SelectorKey key, int events) {
        ClientConnection c = (ClientConnection) key.data();
        switch (c.state) {
            case CONNECTING -> finishConnect(c);
            case SENDING -> sendRequest(c);
            case RECEIVING -> receive(c);
            case IDLE -> pool.close(c); // the server closed it, or sent what nobody asked for
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
                finish(fetch, "connect to " + format(c.remote) + ": " + reason(e));
            }
            return;
        }
        c.state = State.SENDING;
        sendRequest(c);
    }

    private void sendRequest(ClientConnection c) {
        int left = c.request.length - c.sent;
        MemorySegment.copy(c.request, c.sent, writeBuffer, ValueLayout.JAVA_BYTE, 0, left);
        long n;
        do {
            // SAFETY: writeBuffer lives as long as this client's arena, and left <= MAX_REQUEST, its size.
            n = Sockets.send(callState, c.fd, writeBuffer.address(), left);
        } while (n == -Errno.EINTR);
        if (n == -Errno.EAGAIN) {
            watch(c, Selector.EVENT_WRITE);
            return;
        }
        if (n < 0) {
            failOrRetry(c, "send: " + Errno.name((int) -n) + " (" + Libc.strerror((int) -n) + ")");
            return;
        }
        c.sent += (int) n;
        if (c.sent < c.request.length) {
            watch(c, Selector.EVENT_WRITE);
            return;
        }
        c.state = State.RECEIVING;
        watch(c, Selector.EVENT_READ);
    }

    private void receive(ClientConnection c) {
        // SAFETY: readBuffer lives as long as this client's arena, and is READ_CHUNK bytes long.
        long n = Sockets.recv(callState, c.fd, readBuffer.address(), READ_CHUNK);
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
            return;
        }
        if (n < 0) {
            failOrRetry(c, "recv: " + Errno.name((int) -n) + " (" + Libc.strerror((int) -n) + ")");
            return;
        }
        ResponseParser p = c.parser;
        try {
            if (n == 0) {
                p.endOfStream();
                complete(c, false);
                return;
            }
            MemorySegment.copy(readBuffer, ValueLayout.JAVA_BYTE, 0, heapChunk, 0, (int) n);
            int used = p.feed(heapChunk, 0, (int) n);
            if (p.isDone()) {
                // Bytes after the response answer nothing we asked: the connection cannot be trusted.
                complete(c, used == n && p.keepAlive());
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

    /** The earliest deadline of a fetch in flight on a connection ({@code Long.MAX_VALUE}: none). */
    private long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (ClientConnection c : pool.snapshot()) {
            if (c.fetch != null) {
                next = Math.min(next, c.fetch.deadlineNanos);
            }
        }
        return next == Long.MAX_VALUE ? Selector.INFINITE : next;
    }

    private void expire(long now) {
        for (ClientConnection c : pool.snapshot()) {
            if (c.fetch != null && now - c.fetch.deadlineNanos >= 0) {
                fail(c, "timed out after " + options.timeout().toMillis() + " ms " + switch (c.state) {
                    case CONNECTING -> "connecting to " + format(c.remote);
                    case SENDING -> "sending the request";
                    default -> c.parser.started()
                            ? "reading the response (" + c.parser.bodyBytes() + " body bytes so far)"
                            : "waiting for the response";
                });
            }
        }
    }

    private void watch(ClientConnection c, int events) {
        try {
            if (c.interest == 0) {
                selector.register(c, events, c);
            } else if (c.interest != events) {
                selector.modify(c, events, c);
            }
            c.interest = events;
        } catch (IOException e) {
            fail(c, "selector: " + e.getMessage());
        }
    }

    /** {@code ECONNREFUSED (Connection refused)} for a system call's error, the message otherwise. */
    private static String reason(IOException e) {
        return e instanceof ErrnoException errno ? errno.errnoName() + " (" + Libc.strerror(errno.errno()) + ")" : e.getMessage();
    }

    private static String format(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
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
