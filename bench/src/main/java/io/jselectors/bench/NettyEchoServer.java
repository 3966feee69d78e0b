package io.jselectors.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

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

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;

    private NettyEchoServer(EventLoopGroup boss, EventLoopGroup workers, Channel listener) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
    }

    /** Writes back what it reads; the read batch is flushed once, when the batch ends. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A peer that resets its connection is normal at the end of a load run.
            ctx.close();
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
        if (workerCount < 1 || workerCount > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be in [1, " + MAX_WORKERS + "], got " + workerCount);
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's native epoll transport is not available", Epoll.unavailabilityCause());
        }
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(workerCount, EpollIoHandler.newFactory());
        try {
            PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
            Channel listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(EpollServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.ALLOCATOR, allocator)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(handler);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .sync()
                    .channel();
            return new NettyEchoServer(boss, workers, listener);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The port it listens on. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Blocks until the listener is closed. */
    public void awaitClose() throws InterruptedException {
        listener.closeFuture().sync();
    }

    /** Closes the listener and every connection, and stops the threads. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** {@code NettyEchoServer PORT [WORKERS]}: serves until killed (SIGTERM stops it cleanly). */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: NettyEchoServer PORT [WORKERS]   (listens on 127.0.0.1, 1 worker by default)");
            System.exit(2);
        }
        int port;
        int workerCount;
        try {
            port = Integer.parseInt(args[0]);
            workerCount = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        } catch (NumberFormatException e) {
            System.err.println("NettyEchoServer: PORT and WORKERS must be integers: " + e.getMessage());
            System.exit(2);
            return;
        }
        NettyEchoServer server = start(port, workerCount);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "netty-echo-shutdown"));
        System.out.println("netty echo server on 127.0.0.1:" + server.port() + ", " + workerCount + " worker(s), epoll");
        server.awaitClose();
    }
}
