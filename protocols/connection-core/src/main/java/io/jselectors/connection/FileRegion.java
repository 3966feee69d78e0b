package io.jselectors.connection;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A range of a file queued for sending, owned by its connection (closed once sent or when the
 * connection closes). A transport that can send it without a copy ({@code sendfile(2)}) reads
 * {@link #position()} and {@link #remaining()} and reports progress with {@link #advance}; any
 * other path reads it chunk by chunk into pooled buffers with {@link #read}.
 */
public abstract class FileRegion implements AutoCloseable {

    /**
     * Bytes read at a time when a region is sent by copying: 64 KiB, one water mark's worth, so a
     * slow reader holds at most about one chunk of the file in memory.
     */
    public static final int CHUNK = 64 * 1024;

    private long position;
    private long remaining;
    /** Buffers queued between the previous region (or the head of the queue) and this one. */
    int buffersAhead;

    protected FileRegion(long position, long length) {
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("a file region needs a position and length >= 0: " + position + ", " + length);
        }
        this.position = position;
        this.remaining = length;
    }

    /** A region read through a {@link FileChannel}: the portable path, one copy per chunk. */
    public static FileRegion ofChannel(Path path, long position, long length) throws IOException {
        return new ChannelRegion(FileChannel.open(path, StandardOpenOption.READ), position, length);
    }

    /** The file offset of the next byte to send. */
    public final long position() {
        return position;
    }

    /** Bytes still to send. */
    public final long remaining() {
        return remaining;
    }

    /** {@code n} bytes were sent. */
    public final void advance(long n) {
        position += n;
        remaining -= n;
    }

    /**
     * Reads up to {@code dst.writableBytes()} bytes at {@link #position()} into {@code dst}, without
     * advancing; at least one byte unless the range is done.
     *
     * @throws IOException if the file cannot be read or ends before the range does (its length
     *     was promised, so a short file is an error)
     */
    public abstract void read(ByteBuf dst) throws IOException;

    @Override
    public abstract void close();

    private static final class ChannelRegion extends FileRegion {
        private final FileChannel channel;

        ChannelRegion(FileChannel channel, long position, long length) {
            super(position, length);
            this.channel = channel;
        }

        @Override
        public void read(ByteBuf dst) throws IOException {
            int want = (int) Math.min(dst.writableBytes(), remaining());
            int start = dst.writerIndex();
            while (dst.writerIndex() - start < want) {
                int n = dst.writeBytes(channel, position() + dst.writerIndex() - start, want - (dst.writerIndex() - start));
                if (n < 0) {
                    throw new IOException("file shrank while being sent");
                }
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Read-only: closing cannot lose data.
            }
        }
    }
}
