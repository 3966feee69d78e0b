package io.jselectors.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A line-chat client for tests, like {@code nc}: lines out, the first matching line in, every read bounded. */
final class LineChatClient implements AutoCloseable {
    private final Socket socket = new Socket();
    private final BufferedReader in;

    /** Connects, and makes every later read fail after {@code timeout} of silence. */
    LineChatClient(InetSocketAddress address, Duration timeout) throws IOException {
        socket.connect(address, (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    void send(String line) throws IOException {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The first line from now that contains {@code text}. */
    String await(String text) throws IOException {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.contains(text)) {
                return line;
            }
        }
        throw new IOException("the chat closed before a line with " + text);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
