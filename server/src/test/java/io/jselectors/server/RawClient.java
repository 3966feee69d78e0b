package io.jselectors.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A blocking test client that sends what a hostile client would, byte for byte, and reads what
 * comes back with a read timeout, so no test can hang on a server that never answers.
 */
final class RawClient implements AutoCloseable {

    /** Longest any single read waits: generous for a loaded CI machine, and still bounded. */
    static final int READ_TIMEOUT_MS = 20_000;

    private final Socket socket = new Socket();
    private final InputStream in;

    RawClient(InetSocketAddress address) throws IOException {
        socket.connect(address, READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = socket.getInputStream();
    }

    RawClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** The socket's output, for a test that writes from another thread while this one reads. */
    OutputStream outputStream() throws IOException {
        return socket.getOutputStream();
    }

    /** One line without its CRLF or LF, or {@code null} at EOF. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads lines until one contains {@code text}; fails at EOF. */
    String await(String text) throws IOException {
        for (String line; (line = readLine()) != null; ) {
            if (line.contains(text)) {
                return line;
            }
        }
        throw new IOException("EOF before a line containing '" + text + "'");
    }

    /** Reads bytes until they end with {@code text} (which need not end a line); returns them. */
    String readUntil(String text) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            seen.append((char) b);
            if (seen.length() >= text.length() && seen.lastIndexOf(text) == seen.length() - text.length()) {
                return seen.toString();
            }
        }
        throw new IOException("EOF before '" + text + "'; got: " + seen);
    }

    /** Everything until EOF (the server closed), as ISO-8859-1 text. */
    String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether the server closed the connection (EOF or reset) within {@code millis}, reading and
     * dropping whatever it sends meanwhile.
     */
    boolean closedWithin(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        byte[] sink = new byte[4096];
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (in.read(sink) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        } finally {
            socket.setSoTimeout(READ_TIMEOUT_MS);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
