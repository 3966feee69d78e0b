package io.jselectors.examples;

import io.jselectors.posix.Fd;
import io.jselectors.posix.socket.Sockets;
import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The echo server of Python's {@code selectors} documentation, line for line: each key's data is
 * the callback to run when its socket is ready.
 *
 * <p>Run it with {@code java EchoServerExample 1234}, then {@code nc 127.0.0.1 1234}. Sockets are
 * plain fds ({@link Fd}, which the selector resolves like a Python socket), so {@link
 * Selector#open()} picks the best backend: epoll on Linux, kqueue on macOS.
 */
public final class EchoServerExample {

    /** What a key's data holds: the code to run when its socket is ready. */
    interface Callback {
        void run(Fd sock, int mask) throws IOException;
    }

    private final Selector sel;
    private volatile boolean running = true;

    EchoServerExample(Selector sel) {
        this.sel = sel;
    }

    void accept(Fd sock, int mask) throws IOException {
        int fd = Sockets.accept(sock.fileno()); // Should be ready; already non-blocking
        if (fd < 0) {
            return;
        }
        Fd conn = new Fd(fd);
        System.out.println("accepted " + Sockets.remoteAddress(fd));
        sel.register(conn, Selector.EVENT_READ, (Callback) this::read);
    }

    void read(Fd conn, int mask) throws IOException {
        byte[] data = conn.read(1000); // Should be ready
        if (data != null && data.length > 0) {
            conn.write(data); // Hope it won't block (as the Python example does)
        } else if (data != null) {
            System.out.println("closing " + conn);
            sel.unregister(conn);
            conn.close();
        }
    }

    /** Serves the listening socket {@code sock} until {@link #stop()}. */
    void serve(Fd sock) throws IOException {
        sel.register(sock, Selector.EVENT_READ, (Callback) this::accept);
        while (running) {
            for (Ready ready : sel.select(null)) {
                Callback callback = (Callback) ready.key().data();
                callback.run((Fd) ready.key().fileobj(), ready.events());
            }
        }
    }

    /** Makes {@link #serve} return; safe from any thread. */
    void stop() {
        running = false;
        sel.wakeup();
    }

    /** Listens on 127.0.0.1 at the port given (1234 by default) and echoes until killed. */
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 1234;
        try (Selector sel = Selector.open();
                Fd sock = new Fd(Sockets.listen(new InetSocketAddress("127.0.0.1", port), 100))) {
            new EchoServerExample(sel).serve(sock);
        }
    }
}
