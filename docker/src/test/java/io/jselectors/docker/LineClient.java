package io.jselectors.docker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A line-oriented TCP client (a chat user) whose every read is bounded by a socket timeout. */
final class LineClient implements AutoCloseable {

    private static final int MAX_LINES = 200;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final List<String> seen = new ArrayList<>();

    LineClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads lines until one matches and returns it; fails on end of stream or after MAX_LINES. */
    String readUntil(Predicate<String> wanted) throws IOException {
        for (int i = 0; i < MAX_LINES; i++) {
            String line;
            try {
                line = in.readLine();
            } catch (java.net.SocketTimeoutException e) {
                throw new java.net.SocketTimeoutException(e.getMessage() + " waiting for a line; saw " + seen);
            }
            if (line == null) {
                throw new IOException("end of stream before the line we wait for; saw " + seen);
            }
            seen.add(line);
            if (wanted.test(line)) {
                return line;
            }
        }
        throw new IOException("no matching line in " + MAX_LINES + " lines: " + seen);
    }

    /** True once the peer has closed: reads (bounded) lines until end of stream. */
    boolean closedByPeer() throws IOException {
        for (int i = 0; i < MAX_LINES; i++) {
            String line = in.readLine();
            if (line == null) {
                return true;
            }
            seen.add(line);
        }
        return false;
    }

    List<String> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
