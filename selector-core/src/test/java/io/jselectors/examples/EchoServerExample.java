package io.jselectors.examples;

import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The echo server of Python's {@code selectors} documentation, line for line: each key's data is
 * the callback to run when its socket is ready.
 *
 * <p>Run it with {@code java EchoServerExample 1234}, then {@code nc 127.0.0.1 1234}. It uses JDK
 * channels, so it opens the {@code nio} backend; with raw sockets, {@code Selector.open()} picks
 * epoll or kqueue instead.
 */
public final class EchoServerExample {

    /** What a key's data holds: the code to run when its socket is ready. */
    interface Callback {
        void run(SelectableChannel sock, int mask) throws IOException;
    }

    private final Selector sel;
    private final ByteBuffer buf = ByteBuffer.allocate(1000);
    private volatile boolean running = true;

    EchoServerExample(Selector sel) {
        this.sel = sel;
    }

    void accept(SelectableChannel sock, int mask) throws IOException {
        SocketChannel conn = ((ServerSocketChannel) sock).accept(); // Should be ready
        if (conn == null) {
            return;
        }
        System.out.println("accepted " + conn.getRemoteAddress());
        conn.configureBlocking(false);
        sel.register(conn, Selector.EVENT_READ, (Callback) this::read);
    }

    void read(SelectableChannel sock, int mask) throws IOException {
        SocketChannel conn = (SocketChannel) sock;
        buf.clear();
        if (conn.read(buf) > 0) { // Should be ready
            buf.flip();
            conn.write(buf); // Hope it won't block (as the Python example does)
        } else {
            System.out.println("closing " + conn.getRemoteAddress());
            sel.unregister(conn);
            conn.close();
        }
    }

    /** Serves {@code sock} until {@link #stop()}. */
    void serve(ServerSocketChannel sock) throws IOException {
        sock.configureBlocking(false);
        sel.register(sock, Selector.EVENT_READ, (Callback) this::accept);
        while (running) {
            for (Ready ready : sel.select(null)) {
                Callback callback = (Callback) ready.key().data();
                callback.run((SelectableChannel) ready.key().fileobj(), ready.events());
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
        try (Selector sel = Selector.open("nio");
                ServerSocketChannel sock = ServerSocketChannel.open()) {
            sock.bind(new InetSocketAddress("127.0.0.1", port), 100);
            new EchoServerExample(sel).serve(sock);
        }
    }
}
