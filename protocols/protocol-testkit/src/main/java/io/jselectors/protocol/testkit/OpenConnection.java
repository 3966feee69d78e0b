package io.jselectors.protocol.testkit;

import io.jselectors.protocol.Connection;
import java.net.InetSocketAddress;

/**
 * A {@link Connection} that is always open and writable, never paused and never closes, for
 * driving a handler outside any server or {@link ProtocolTester}: a cost loop or a benchmark of one
 * protocol's own code, where the connection must cost nothing and decide nothing. What happens to
 * written bytes, the flush, the loop and the allocator are the subclass's; {@link #close()} and
 * {@link #abort()} do nothing (a handler that closes is outside what such a loop measures).
 * {@link TestConnection} is the connection for tests: it plays the peer and enforces the contract.
 *
 * {@snippet :
 * final class Sink extends OpenConnection {
 *     long written;
 *     public void write(ByteBuf data) { written += data.readableBytes(); data.release(); }
 *     public void flush() {}
 *     public EventLoop loop() { return loop; }
 *     public ByteBufAllocator alloc() { return PooledByteBufAllocator.DEFAULT; }
 * }
 * }
 */
public abstract class OpenConnection implements Connection {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 2);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 1);

    /** For subclasses. */
    protected OpenConnection() {}

    @Override
    public long id() {
        return 1;
    }

    /** Nothing waits: whatever a subclass does with written bytes, it does at once. */
    @Override
    public long pendingWriteBytes() {
        return 0;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public void pauseReading() {}

    @Override
    public void resumeReading() {}

    @Override
    public boolean isReadingPaused() {
        return false;
    }

    @Override
    public void close() {}

    @Override
    public void abort() {}

    @Override
    public boolean isOpen() {
        return true;
    }

    /** {@code 127.0.0.1:1}. */
    @Override
    public InetSocketAddress remoteAddress() {
        return REMOTE;
    }

    /** {@code 127.0.0.1:2}. */
    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }
}
