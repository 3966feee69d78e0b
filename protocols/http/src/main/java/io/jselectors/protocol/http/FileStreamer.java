package io.jselectors.protocol.http;

import io.jselectors.protocol.Connection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends part of a file as a response's content through {@link Connection#sendFile}: the connection
 * reads it as the socket takes it (zero-copy {@code sendfile(2)} on the native transport), so the
 * file never sits in memory and no byte is copied through a Java buffer on that path. The file's
 * bytes count as pending output, so the handler stops parsing pipelined requests until most of it
 * has left, as it does for any large answer.
 */
final class FileStreamer implements AutoCloseable {

    private final Path path;
    private final long offset;
    private final long length;
    private boolean queued;

    private FileStreamer(Path path, long offset, long length) {
        this.path = path;
        this.offset = offset;
        this.length = length;
    }

    /**
     * Checks that {@code path} can be read, to send {@code length} bytes from {@code offset}.
     *
     * @throws IOException if it cannot (the handler answers 404 before any header is written)
     */
    static FileStreamer open(Path path, long offset, long length) throws IOException {
        if (!Files.isReadable(path) || !Files.isRegularFile(path)) {
            throw new IOException(path + " cannot be read");
        }
        return new FileStreamer(path, offset, length);
    }

    /**
     * Queues the file range on the connection and flushes.
     *
     * @return always {@code true}: the connection owns the rest of the sending
     * @throws IOException if the file cannot be opened any more (the response already announced its
     *     length, so the handler aborts the connection)
     */
    boolean resume(Connection connection) throws IOException {
        if (!queued) {
            queued = true;
            connection.sendFile(path, offset, length);
        }
        connection.flush();
        return true;
    }

    @Override
    public void close() {
        // Nothing held: the connection closes the file once it is sent, or when it closes.
    }
}
