package io.jselectors.protocol.http.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny blocking server on 127.0.0.1 for client tests: one thread accepts, one thread per
 * connection runs the test's script, which reads requests and writes exactly the bytes the test
 * wants (broken ones included). Closing it closes every socket it made.
 */
public final class ScriptedServer implements AutoCloseable {

    /** What to do with one accepted connection. */
    public interface Script {
        void run(Socket socket) throws IOException;
    }

    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    public ScriptedServer(Script script) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor = Thread.ofPlatform().daemon().name("scripted-accept").start(() -> {
            while (!listener.isClosed()) {
                Socket s;
                try {
                    s = listener.accept();
                } catch (IOException closed) {
                    return;
                }
                accepted.incrementAndGet();
                sockets.add(s);
                Thread.ofPlatform().daemon().name("scripted-conn").start(() -> {
                    try (s) {
                        script.run(s);
                    } catch (IOException ignored) {
                        // The client went away or the test closed the server: nothing to report.
                    }
                });
            }
        });
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Reads one request head (up to the empty line); {@code null} at end of stream. */
    public static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
            if (head.size() > 64 * 1024) {
                throw new IOException("request head too long");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
