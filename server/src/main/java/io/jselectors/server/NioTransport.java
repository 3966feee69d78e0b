package io.jselectors.server;

import io.jselectors.selector.Selector;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * JDK channels on the {@code nio} selector backend: the transport that works wherever Java does.
 * It copies nothing either, but the JDK allocates a ByteBuffer view per call.
 */
final class NioTransport implements Transport {

    private static final IoScratch NO_SCRATCH = new IoScratch() {};

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
    public ListenSocket listen(InetSocketAddress address, int backlog) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, backlog);
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new NioListenSocket(channel);
    }

    @Override
    public IoScratch newScratch() {
        return NO_SCRATCH;
    }

    private record NioListenSocket(ServerSocketChannel channel) implements ListenSocket {
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
            SocketChannel accepted = channel.accept();
            if (accepted == null) {
                return null;
            }
            accepted.configureBlocking(false);
            accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new NioStreamSocket(accepted);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static final class NioStreamSocket implements StreamSocket {
        private final SocketChannel channel;
        private ByteBuffer[] views = new ByteBuffer[16];

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
        public long write(ArrayDeque<ByteBuf> queue, IoScratch scratch) throws IOException {
            int count = Math.min(queue.size(), NativeTransport.IOV_MAX);
            if (views.length < count) {
                views = new ByteBuffer[Math.max(count, views.length * 2)];
            }
            int i = 0;
            for (ByteBuf b : queue) {
                if (i == count) {
                    break;
                }
                views[i++] = b.nioBuffer();
            }
            long n = channel.write(views, 0, count);
            java.util.Arrays.fill(views, 0, count, null);
            return n;
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
