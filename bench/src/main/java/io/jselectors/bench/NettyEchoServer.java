package io.jselectors.bench;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;

/**
 * The server we measure ourselves against: a Netty 4.2 echo server on the native epoll transport,
 * written the way Netty's own examples and benchmarks do it. One acceptor thread, {@code workers}
 * I/O threads (1 by default), a pooled direct allocator, every inbound {@code ByteBuf} written back
 * as it is and flushed once per read batch ({@code channelReadComplete}).
 *
 * <p>It listens on loopback only.
 *
 * {@snippet lang=sh :
 * java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *     -cp bench/target/jselectors-bench.jar io.jselectors.bench.NettyEchoServer 9000 1
 * }
 */
public final class NettyEchoServer implements AutoCloseable {

    /** Upper bound on worker threads: more than this is a typo, not a benchmark. */
    public static final int MAX_WORKERS = 256;

    private final NettyEpoll epoll;

    private NettyEchoServer(NettyEpoll epoll) {
        this.epoll = epoll;
    }

    /** Writes back what it reads; the read batch is flushed once, when the batch ends. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends BatchFlushingHandler {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }
    }

    /**
     * Starts listening on {@code 127.0.0.1:port} (0 picks a free port) with {@code workerCount} I/O
     * threads.
     *
     * @throws IllegalStateException if the native epoll transport cannot be loaded here
     * @throws InterruptedException if interrupted while binding
     */
    public static NettyEchoServer start(int port, int workerCount) throws InterruptedException {
        return start(port, workerCount, new EchoHandler());
    }

    /** {@link #start(int, int)} with another (sharable) handler in place of the echo; for tests. */
    static NettyEchoServer start(int port, int workerCount, ChannelHandler handler) throws InterruptedException {
        return start(port, workerCount, handler, null);
    }

    /** The echo behind TLS ({@code tls} null: plaintext); {@link NettyTlsServer}'s {@code echo}. */
    static NettyEchoServer start(int port, int workerCount, ChannelHandler handler, SslContext tls) throws InterruptedException {
        return new NettyEchoServer(NettyEpoll.bind(port, workerCount, NettyTls.first(tls, p -> p.addLast(handler)), workers -> { }));
    }

    NettyEpoll epoll() {
        return epoll;
    }

    /** The port it listens on. */
    public int port() {
        return epoll.port();
    }

    /** Blocks until the listener is closed. */
    public void awaitClose() throws InterruptedException {
        epoll.awaitClose();
    }

    /** Closes the listener and every connection, and stops the threads. */
    @Override
    public void close() {
        epoll.close();
    }

    /** {@code NettyEchoServer PORT [WORKERS]}: serves until killed (SIGTERM stops it cleanly). */
    public static void main(String[] args) throws InterruptedException {
        NettyEpoll.serve("NettyEchoServer", "echo", args, (port, workers) -> start(port, workers).epoll);
    }
}
