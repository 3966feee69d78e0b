package io.jselectors.server;

import io.jselectors.connection.WriteResult;
import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * JDK channels on the {@code nio} selector backend: the transport that works wherever Java does.
 * It copies nothing either, but the JDK allocates a ByteBuffer view per call.
 */
final class NioTransport implements Transport {

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public Selector openSelector(String backend) throws IOException {
        if (backend != null && !backend.equals("nio")) {
            throw new IllegalArgumentException("the nio transport runs only on the nio selector, not " + backend);
        }
        return Selector.open("nio");
    }

    @Override
    public ListenSocket listen(InetSocketAddress address, int backlog, int socketBuffer) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (socketBuffer > 0) {
                // Before bind, as the native transport does; the JDK offers no SO_SNDBUF on a
                // listener, so each accepted channel gets that one.
                channel.setOption(StandardSocketOptions.SO_RCVBUF, socketBuffer);
            }
            channel.bind(address, backlog);
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new NioListenSocket(channel, socketBuffer);
    }

    @Override
    public IoScratch newScratch() {
        return IoScratch.forNio();
    }

    /**
     * Whether the JDK's accept failed for want of fds or memory. The JDK gives no errno, only the
     * C library's message: "Too many open files" (EMFILE), "... in system" (ENFILE), "No buffer
     * space available" (ENOBUFS), "Cannot allocate memory" (ENOMEM).
     */
    static boolean outOfResources(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("Too many open files") || m.contains("No buffer space available")
                || m.contains("Cannot allocate memory"));
    }

    private record NioListenSocket(ServerSocketChannel channel, int socketBuffer) implements ListenSocket {
        @Override
        public Object fileobj() {
            return channel;
        }

        @Override
        public InetSocketAddress localAddress() {
            try {
                return (InetSocketAddress) channel.getLocalAddress();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public StreamSocket accept(IoScratch scratch) throws IOException {
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                if (outOfResources(e)) {
                    throw new OutOfResourcesException("accept: " + e.getMessage(), e);
                }
                throw e;
            }
            if (accepted == null) {
                return null;
            }
            accepted.configureBlocking(false);
            accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (socketBuffer > 0) {
                accepted.setOption(StandardSocketOptions.SO_SNDBUF, socketBuffer);
            }
            return new NioStreamSocket(accepted);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static final class NioStreamSocket implements StreamSocket {
        private final SocketChannel channel;

        NioStreamSocket(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public Object fileobj() {
            return channel;
        }

        @Override
        public int read(ByteBuf dst, IoScratch scratch) throws IOException {
            int n = dst.writeBytes(channel, dst.writableBytes());
            return n < 0 ? -1 : n;
        }

        @Override
        public long write(ByteBuf first, ArrayDeque<ByteBuf> rest, int maxBuffers, IoScratch scratch) throws IOException {
            ByteBuffer[] views = scratch.views;
            int limit = Math.min(maxBuffers, views.length);
            views[0] = first.nioBuffer();
            long offered = first.readableBytes();
            int count = 1;
            if (rest != null) {
                for (ByteBuf b : rest) {
                    if (count == limit) {
                        break;
                    }
                    views[count++] = b.nioBuffer();
                    offered += b.readableBytes();
                }
            }
            long n;
            try {
                n = channel.write(views, 0, count);
            } finally {
                Arrays.fill(views, 0, count, null);
            }
            return n < offered ? WriteResult.full(n) : WriteResult.complete(n);
        }

        @Override
        public void shutdownOutput() throws IOException {
            channel.shutdownOutput();
        }

        @Override
        public void resetOnClose() {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException ignored) {
                // Already reset by the peer.
            }
        }

        @Override
        public InetSocketAddress remoteAddress() {
            try {
                return (InetSocketAddress) channel.getRemoteAddress();
            } catch (IOException e) {
                return new InetSocketAddress(0);
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            try {
                return (InetSocketAddress) channel.getLocalAddress();
            } catch (IOException e) {
                return new InetSocketAddress(0);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }

        @Override
        public String toString() {
            return channel.toString();
        }
    }
}
