package io.jselectors.protocol.http;

import io.jselectors.protocol.Connection;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sends part of a file as a response's content, one {@link HttpLimits#FILE_CHUNK} at a time and
 * only while the connection is writable, so a slow client holds at most about one water mark of
 * the file in memory. The handler calls {@link #resume} again when writability comes back.
 */
final class FileStreamer implements AutoCloseable {

    private final FileChannel channel;
    private long position;
    private long remaining;

    private FileStreamer(FileChannel channel, long offset, long length) {
        this.channel = channel;
        this.position = offset;
        this.remaining = length;
    }

    /** Opens {@code path} to send {@code length} bytes from {@code offset}. */
    static FileStreamer open(Path path, long offset, long length) throws IOException {
        return new FileStreamer(FileChannel.open(path, StandardOpenOption.READ), offset, length);
    }

    /**
     * Writes pieces while the connection takes them, then flushes.
     *
     * @return whether the whole range is written
     * @throws IOException if the file cannot be read, or shrank under us (the response already
     *     announced its length, so the only honest way out is to abort the connection)
     */
    boolean resume(Connection connection) throws IOException {
        while (remaining > 0 && connection.isWritable() && connection.isOpen()) {
            int length = (int) Math.min(HttpLimits.FILE_CHUNK, remaining);
            ByteBuf chunk = connection.alloc().directBuffer(length);
            try {
                while (chunk.isWritable()) {
                    int n = chunk.writeBytes(channel, position + chunk.writerIndex(), chunk.writableBytes());
                    if (n < 0) {
                        throw new IOException("file shrank while being sent");
                    }
                }
            } catch (IOException | RuntimeException e) {
                chunk.release();
                throw e;
            }
            position += length;
            remaining -= length;
            connection.write(chunk);
        }
        connection.flush();
        return remaining == 0;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only: closing cannot lose data
        }
    }
}
